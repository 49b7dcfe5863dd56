import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { TestDatabase } from '../support/database';

export const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');

export interface CliRun {
  /** The exit code (or the signal's name). */
  code: number | string;
  stdout: string;
  stderr: string;
  /** Standard output, line by line. */
  lines: string[];
  /** The lines of standard error that the CLI itself wrote (`portcullis: …`), log lines left out. */
  errors: string[];
}

/** What src/cli.ts prints when it has to end a process that did not end by itself. */
const LINGERED = 'something kept the process alive';

/** A stack frame, as a stack trace would print it: a CLI error never shows one. */
export const STACK_FRAME = /\n\s+at .+:\d+:\d+/;

const linesOf = (text: string) =>
  text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line !== '');

/**
 * Runs the built CLI (dist/cli.js, as `npx portcullis` does) in its own process, with the settings of `database`
 * (its DATA_DIR and DATABASE_URL) and `env`, standard input from `input` (or none), and keeps what it prints.
 */
export function runCli(
  database: Pick<TestDatabase, 'dataDir' | 'url'>,
  args: string[],
  { env = {}, input }: { env?: Record<string, string>; input?: string } = {},
): Promise<CliRun> {
  if (!existsSync(CLI)) {
    throw new Error(`these tests run the built CLI: ${CLI} is missing; run npm run build first`);
  }
  const child = spawn(process.execPath, [CLI, ...args], {
    // Its own folder: a .env file of the project must not be read.
    cwd: database.dataDir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATA_DIR: database.dataDir,
      DATABASE_URL: database.url,
      LOG_FORMAT: 'json',
      ARGON2_MAX_CONCURRENCY: '1',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A command that ends without reading its input (a usage error) closes the pipe: not a failure of the test.
  child.stdin.on('error', () => undefined);
  child.stdin.end(input);
  return collect(child);
}

/**
 * Runs the built CLI on a terminal of its own (a pseudo-terminal, through util-linux `script`), answering each of
 * `answers` when the prompt before it has appeared: what an operator typing at the keyboard does.
 */
export function runCliOnTerminal(
  database: Pick<TestDatabase, 'dataDir' | 'url'>,
  args: string[],
  answers: Array<{ after: string; type: string }>,
): Promise<CliRun> {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
    cwd: database.dataDir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATA_DIR: database.dataDir,
      DATABASE_URL: database.url,
      LOG_FORMAT: 'json',
      ARGON2_MAX_CONCURRENCY: '1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let seen = '';
  const pending = [...answers];
  child.stdout.on('data', (chunk: Buffer) => {
    seen += chunk.toString();
    // Every prompt is answered once, in order, as soon as it shows.
    while (pending.length > 0 && seen.includes(pending[0].after)) {
      seen = seen.slice(seen.indexOf(pending[0].after) + pending[0].after.length);
      child.stdin.write(`${pending.shift()!.type}\r`);
    }
  });
  child.stdin.on('error', () => undefined);
  // On a terminal, standard error and standard output are the same screen.
  return collect(child, 'stdout');
}

function collect(
  child: ChildProcessWithoutNullStreams,
  errorsOn: 'stdout' | 'stderr' = 'stderr',
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) =>
    child.once('close', (code, signal) => {
      // src/cli.ts ends a process that something kept alive after its command, and says so: a leak to fix.
      if (`${stdout}${stderr}`.includes(LINGERED)) {
        fail(new Error(`the CLI did not end by itself after its command:\n${stderr}`));
        return;
      }
      done({
        code: code ?? signal ?? 'unknown',
        stdout,
        stderr,
        lines: linesOf(stdout),
        errors: linesOf(errorsOn === 'stderr' ? stderr : stdout).filter((line) =>
          line.startsWith('portcullis: '),
        ),
      });
    }),
  );
}

/** Rows of the test database's SQLite file, read by a connection of its own (read-only). */
export function queryRows<T = Record<string, unknown>>(
  database: Pick<TestDatabase, 'url'>,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const path = database.url.slice('sqlite:'.length);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return Promise.resolve(db.prepare(sql).all(...params) as T[]);
  } finally {
    db.close();
  }
}

export interface StoredEvent {
  type: string;
  user_id: string | null;
  actor_id: string | null;
  detail: Record<string, unknown>;
}

/** The audit trail of one account, oldest first. */
export async function eventsOf(
  database: Pick<TestDatabase, 'url'>,
  userId: string,
): Promise<StoredEvent[]> {
  const rows = await queryRows<Omit<StoredEvent, 'detail'> & { detail: string }>(
    database,
    'SELECT type, user_id, actor_id, detail FROM auth_events WHERE user_id = ? ORDER BY at, id',
    [userId],
  );
  return rows.map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}

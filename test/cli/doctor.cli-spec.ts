import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { MailCatcher } from '../support/mail';
import { freePort } from '../support/server-process';
import { runCli, STACK_FRAME } from './cli-process';

/** Redis runs on 127.0.0.1:6379 on every machine that runs these suites (DESIGN.md, "Stack"). */
const REDIS_URL = 'redis://127.0.0.1:6379';

/** The check's name and whether it passed, from a line `ok    name: detail` or `FAIL  name: detail`. */
const outcomes = (lines: string[]) =>
  lines.map((line) => {
    const [, status, name] = /^(ok|FAIL) +([^:]+): /.exec(line) ?? [];
    return `${status} ${name}`;
  });

describe('portcullis doctor', () => {
  let database: TestDatabase;
  const mail = new MailCatcher();
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    await mail.start();
    expect((await runCli(database, ['migrate', 'run'])).code).toBe(0);
    // Any command that boots the application makes the development keys, as the server's first start does.
    expect((await runCli(database, ['list-users'])).code).toBe(0);
  });
  afterAll(async () => {
    await mail.stop();
    await database.drop();
  });

  it('a healthy setup: one ok line per check, exit code 0; the key-encryption key is never shown', async () => {
    const run = await runCli(database, ['doctor'], {
      env: { SMTP_URL: mail.url, REDIS_URL },
    });
    expect(run.code).toBe(0);
    expect(outcomes(run.lines)).toEqual([
      'ok settings',
      'ok database',
      'ok migrations',
      'ok signing key',
      'ok key-encryption key',
      'ok mail',
      'ok redis',
    ]);
    expect(run.lines).toEqual([
      `ok    settings: test, DATA_DIR ${database.dataDir}`,
      `ok    database: SQLite ${join(database.dataDir, 'portcullis.sqlite')} answers`,
      expect.stringMatching(/^ok {4}migrations: up to date \(\d+ applied\)$/),
      expect.stringMatching(
        /^ok {4}signing key: ES256, kid [\w-]{43} \(managed in the database: portcullis keys list\)$/,
      ),
      `ok    key-encryption key: loaded (development key ${join(database.dataDir, 'key-encryption-key')})`,
      `ok    mail: SMTP 127.0.0.1:${new URL(mail.url).port} answers`,
      'ok    redis: Redis 127.0.0.1:6379 answers PING',
    ]);
    const key = readFileSync(join(database.dataDir, 'key-encryption-key'), 'utf8').trim();
    expect(run.stdout + run.stderr).not.toContain(key);
    expect(mail.messages).toEqual([]);
  });

  it('without SMTP_URL or REDIS_URL: the development outbox, and Redis not used', async () => {
    const run = await runCli(database, ['doctor']);
    expect(run.code).toBe(0);
    expect(run.lines.slice(-2)).toEqual([
      `ok    mail: development outbox in ${join(database.dataDir, 'outbox')} (SMTP_URL is not set: mail is written there as .eml files)`,
      'ok    redis: not used (REDIS_URL is not set)',
    ]);
  });

  it('another KEY_ENCRYPTION_KEY than the one that sealed the signing keys: the signing-key check fails', async () => {
    const run = await runCli(database, ['doctor'], {
      env: { KEY_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') },
    });
    expect(run.code).toBe(1);
    expect(run.lines[3]).toMatch(
      /^FAIL {2}signing key: the current key [\w-]{43} cannot be opened with this KEY_ENCRYPTION_KEY$/,
    );
  });

  it('SMTP_URL on a closed port: that check fails, the others still run; exit code 1', async () => {
    const port = await freePort();
    const run = await runCli(database, ['doctor'], {
      env: { SMTP_URL: `smtp://127.0.0.1:${port}` },
    });
    expect(run.code).toBe(1);
    expect(outcomes(run.lines)).toEqual([
      'ok settings',
      'ok database',
      'ok migrations',
      'ok signing key',
      'ok key-encryption key',
      'FAIL mail',
      'ok redis',
    ]);
    expect(run.lines[5]).toBe(
      `FAIL  mail: SMTP 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(run.errors).toEqual(['portcullis: 1 check failed']);
  });

  it('REDIS_URL on a closed port fails the Redis check', async () => {
    const port = await freePort();
    const run = await runCli(database, ['doctor'], {
      env: { REDIS_URL: `redis://127.0.0.1:${port}` },
    });
    expect(run.code).toBe(1);
    expect(run.lines.at(-1)).toBe(
      `FAIL  redis: Redis 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it('pending migrations fail the check, each named; doctor runs none of them', async () => {
    const reverted = await runCli(database, ['migrate', 'revert']);
    const [, name] = /^reverted (\S+)$/.exec(reverted.lines[0]) ?? [];
    expect(name).toBeDefined();
    try {
      const run = await runCli(database, ['doctor']);
      expect(run.code).toBe(1);
      expect(run.lines[2]).toBe(
        `FAIL  migrations: 1 pending: ${name} (the server runs them when it starts, or: portcullis migrate run)`,
      );
      const show = await runCli(database, ['migrate', 'show']);
      expect(show.lines).toContain(`[ ] ${name} (pending)`);
    } finally {
      expect((await runCli(database, ['migrate', 'run'])).code).toBe(0);
    }
  });

  it('a database that does not exist yet fails, and is not created', async () => {
    const elsewhere = join(database.dataDir, 'elsewhere', 'portcullis.sqlite');
    const run = await runCli(database, ['doctor'], {
      env: { DATABASE_URL: `sqlite:${elsewhere}` },
    });
    expect(run.code).toBe(1);
    expect(run.lines[1]).toBe(
      `FAIL  database: SQLite ${elsewhere} does not exist yet: start the server, or run \`portcullis migrate run\``,
    );
    expect(outcomes(run.lines)).not.toContain('ok migrations');
  });

  it('a bad setting: the settings check fails naming the variable, and nothing else runs', async () => {
    const run = await runCli(database, ['doctor'], { env: { PORT: 'eighty' } });
    expect(run.code).toBe(1);
    expect(run.lines).toEqual(['FAIL  settings: PORT must be an integer number (got "eighty")']);
    expect(run.errors).toEqual(['portcullis: 1 check failed (the other checks need the settings)']);
  });
});

describe('portcullis with a bad setting', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(() => database.drop());

  it.each([
    [['list-users']],
    [['migrate', 'run']],
    [['create-admin', 'ada@example.com', '--password-stdin']],
  ])('%j: one line naming the variable, exit code 1, no stack trace', async (args) => {
    const run = await runCli(database, args, { env: { PORT: 'eighty' }, input: 'x\n' });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      'portcullis: PORT must be an integer number (got "eighty"). Fix the settings (README, "Settings") and try again.',
    ]);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });
});

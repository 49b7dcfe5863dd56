import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const MAIN = resolve(__dirname, '..', '..', 'dist', 'main.js');

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Sends a signal to the server's whole process group, as a terminal's Ctrl-C does. */
  signalGroup(signal: NodeJS.Signals): void;
  dataDir: string;
  cleanUp(): void;
}

/**
 * Runs the built server (dist/main.js, as `npm start` does) in its own process group, with its own DATA_DIR, and
 * keeps everything it prints.
 */
export async function runServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  if (!existsSync(MAIN)) {
    throw new Error(
      `these tests run the built server: ${MAIN} is missing; run npm run build first`,
    );
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-process-'));
  const child = spawn(process.execPath, [MAIN], {
    cwd: dataDir,
    detached: true,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: join(dataDir, 'data'),
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')),
  );
  return {
    url: `http://127.0.0.1:${env.PORT ?? port}`,
    child,
    output: () => output,
    exited,
    signalGroup: (signal) => process.kill(-child.pid!, signal),
    dataDir,
    cleanUp: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the server answers /health/live, or fails with what it printed if it exits first. */
export async function untilListening(server: ServerProcess): Promise<void> {
  let ended = false;
  void server.exited.then(() => (ended = true));
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (ended) throw new Error(`the server exited during start-up:\n${server.output()}`);
    try {
      if ((await fetch(`${server.url}/health/live`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`the server did not start within 15 s:\n${server.output()}`);
}

/** Waits until the server has printed a line that matches, or fails with what it printed after 5 s. */
export async function untilPrinted(server: ServerProcess, pattern: RegExp): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (pattern.test(server.output())) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`the server did not print ${String(pattern)} within 5 s:\n${server.output()}`);
}

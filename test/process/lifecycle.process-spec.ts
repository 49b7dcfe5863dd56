import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { PASSWORD } from '../support/http';
import {
  freePort,
  runServer,
  untilListening,
  untilPrinted,
  type ServerProcess,
} from '../support/server-process';

const json = { 'content-type': 'application/json' };

describe('The built server (dist/main.js)', () => {
  let server: ServerProcess | undefined;
  afterEach(() => server?.cleanUp());

  describe('start-up', () => {
    it('prints a few lines: where it listens, the docs, the database and the key; not the route map', async () => {
      server = await runServer({ LOG_LEVEL: 'info' });
      await untilListening(server);
      // The server may answer before its last start-up line is written.
      await untilPrinted(server, /signing key: /);
      const lines = server
        .output()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { msg: string });
      const messages = lines.map((line) => line.msg);
      expect(messages).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^listening on http:\/\/127\.0\.0\.1:\d+/),
          expect.stringMatching(/^API docs at .*\/docs$/),
          expect.stringMatching(/^database: SQLite /),
          expect.stringMatching(/^signing key: ES256, kid /),
        ]),
      );
      expect(lines.length).toBeLessThanOrEqual(6);
      expect(server.output()).not.toMatch(/Mapped \{|RoutesResolver|InstanceLoader/);
    });
  });

  describe.each(['SIGINT', 'SIGTERM'] as const)('on %s to the whole process group', (signal) => {
    it('finishes the logins in flight (or answers 503), says "shutting down" once and exits 0', async () => {
      server = await runServer({ LOG_LEVEL: 'info', ARGON2_MAX_CONCURRENCY: '2' });
      await untilListening(server);
      const email = `shutdown-${signal.toLowerCase()}@example.com`;
      const registered = await fetch(`${server.url}/auth/register`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      expect(registered.status).toBe(201);
      const url = server.url;
      const logins = Array.from({ length: 6 }, () =>
        fetch(`${url}/auth/login`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ email, password: PASSWORD }),
        }).then((response) => response.status),
      );
      // Once one login has its answer, the others (sent with it) have reached the server: with two hashing
      // processes, most are still waiting for theirs. (A fixed pause was not enough on a busy machine: a login
      // whose connection the server had not read yet was cut off as idle.)
      await Promise.race(logins);
      server.signalGroup(signal);
      const statuses = await Promise.all(logins);
      expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
      expect(statuses).toContain(200);
      expect(await server.exited).toBe(0);
      const shuttingDown = server.output().match(/"msg":"shutting down"/g) ?? [];
      expect(shuttingDown).toHaveLength(1);
      expect(server.output()).not.toMatch(/"level":"error"/);
    });
  });

  describe('start-up failures: one line that says what to do, no stack trace, exit code 1', () => {
    const expectOneLine = async (server: ServerProcess, pattern: RegExp) => {
      expect(await server.exited).toBe(1);
      const output = server.output().trim();
      const failure = output
        .split('\n')
        .filter((line) => line.startsWith('Portcullis cannot start: '));
      expect(failure).toHaveLength(1);
      expect(failure[0]).toMatch(pattern);
      expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
    };

    it('the port is in use', async () => {
      const port = await freePort();
      const blocker: Server = createServer();
      await new Promise<void>((done) => blocker.listen(port, '127.0.0.1', done));
      try {
        server = await runServer({ PORT: String(port) });
        await expectOneLine(server, /127\.0\.0\.1:\d+ is already in use: .*set PORT/);
      } finally {
        blocker.close();
      }
    });

    it.each([
      [
        'a placeholder key',
        { JWT_PRIVATE_KEY: 'changeme' },
        /JWT_PRIVATE_KEY is not a usable private key/,
      ],
      [
        'production without a key-encryption key',
        { NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:25' },
        /KEY_ENCRYPTION_KEY must be set when NODE_ENV=production/,
      ],
      [
        'an unreadable key file',
        { JWT_PRIVATE_KEY_FILE: '/nonexistent/key.pem' },
        /JWT_PRIVATE_KEY_FILE cannot be read/,
      ],
      [
        'DATA_DIR under /proc',
        { DATA_DIR: '/proc/self/portcullis' },
        /DATA_DIR is on a kernel or device file system/,
      ],
      ['a bad number', { PORT: 'eighty' }, /PORT must be an integer number/],
    ])('%s', async (_case, env, pattern) => {
      server = await runServer(env);
      await expectOneLine(server, pattern);
    });

    it('PostgreSQL unreachable: a few bounded retries, one line each', async () => {
      server = await runServer({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/portcullis' });
      await expectOneLine(
        server,
        /PostgreSQL on 127\.0\.0\.1:1 is unreachable \(ECONNREFUSED\): start it, or fix DATABASE_URL/,
      );
      const retries = server.output().match(/trying again in 1 s/g) ?? [];
      expect(retries).toHaveLength(2);
    });

    it('the PostgreSQL database does not exist: says to create it, without retrying', async () => {
      const url = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
      url.pathname = `/portcullis_missing_${process.pid}`;
      server = await runServer({ DATABASE_URL: url.toString() });
      await expectOneLine(
        server,
        new RegExp(
          `database "portcullis_missing_${process.pid}" does not exist .*createdb portcullis_missing_${process.pid}`,
        ),
      );
      expect(server.output()).not.toMatch(/trying again/);
    });

    it('DATA_DIR is a file', async () => {
      server = await runServer({ DATA_DIR: '/etc/hostname' });
      await expectOneLine(server, /DATA_DIR exists but is not a folder/);
    });

    it('DATA_DIR below a file', async () => {
      const file = join(tmpdir(), `portcullis-not-a-folder-${process.pid}`);
      writeFileSync(file, 'x');
      server = await runServer({ DATA_DIR: join(file, 'data') });
      await expectOneLine(server, /DATA_DIR cannot be created: .* is a file/);
    });
  });
});

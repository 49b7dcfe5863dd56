import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AuthEvent } from '../../src/audit/auth-event.entity';
import { isSqliteBusy } from '../../src/database/storage-errors';
import { TransactionRunner, WriteTurnTimeoutError } from '../../src/database/transaction-runner';
import { NormalizeEmails1764547200000 } from '../../src/database/migrations/1764547200000-normalize-emails';
import { Session } from '../../src/sessions/session.entity';
import { User } from '../../src/users/user.entity';
import { given } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { createTestDatabase, postgresServerUrl } from '../support/database';
import { fillSqlite, lockSqlite, makeReadOnly, postgresProxy, walIndex } from '../support/faults';
import { expectCode, login, PASSWORD, uniqueEmail } from '../support/http';

function expect503(response: { status: number; body: { code?: string }; headers: object }) {
  expectCode(response, 503, 'service_unavailable');
  expect((response.headers as Record<string, string>)['retry-after']).toBe('2');
}

describe('Migration: emails stored before NFKC normalisation (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('rewrites each stored address to its normalised form, unless another account holds that form', async () => {
    const dataSource = t.app.get(DataSource);
    const users = dataSource.getRepository(User);
    const kept = await given(t).user({ email: 'taken-form@example.com' });
    const row = async (email: string) => {
      const user = await given(t).user();
      // Written as an older version did: trimmed and lower-cased only.
      await users.update({ id: user.id }, { email });
      return user.id;
    };
    const fullwidth = await row('\uff41\uff44\uff41-migrated@example.com');
    const nfd = await row('jose\u0301-migrated@example.com');
    const clash = await row('\uff54aken-form@example.com');
    const queryRunner = dataSource.createQueryRunner();
    try {
      await new NormalizeEmails1764547200000().up(queryRunner);
    } finally {
      await queryRunner.release();
    }
    const emailOf = async (id: string) => (await users.findOneByOrFail({ id })).email;
    expect(await emailOf(fullwidth)).toBe('ada-migrated@example.com');
    expect(await emailOf(nfd)).toBe('jos\u00e9-migrated@example.com');
    expect(await emailOf(clash)).toBe('\uff54aken-form@example.com');
    expect(await emailOf(kept.id)).toBe('taken-form@example.com');
    await login(t.http, 'ＡＤＡ-migrated@example.com');
  });
});

/** A storage fault answers 503 service_unavailable with Retry-After, never a 500, and the server recovers. */
describe('Storage faults (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const register = () =>
    t.http.post('/auth/register').send({ email: uniqueEmail('fault'), password: PASSWORD });

  it('a read-only database: writes answer 503, readiness fails, liveness holds; then it recovers', async () => {
    await makeReadOnly(t, true);
    try {
      expect503(await register());
      expect503(await t.http.get('/health/ready'));
      await t.http.get('/health/live').expect(200);
    } finally {
      await makeReadOnly(t, false);
    }
    await register().expect(201);
    await t.http.get('/health/ready').expect(200);
  });
});

/** Faults only SQLite has, on a SQLite database whatever the run. */
describe('SQLite faults (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ database: await createTestDatabase('sqlite') });
  });
  afterAll(async () => {
    await t.close();
  });

  const register = () =>
    t.http.post('/auth/register').send({ email: uniqueEmail('fault'), password: PASSWORD });

  it('a file locked by another process: 503, and a login stores no session and returns no tokens', async () => {
    const user = await given(t).user();
    const sessions = () =>
      t.app.get(DataSource).getRepository(Session).countBy({ userId: user.id });
    const lock = await lockSqlite(join(t.database.dataDir, 'portcullis.sqlite'));
    try {
      const login = await t.http
        .post('/auth/login')
        .send({ email: user.email, password: PASSWORD });
      expect503(login);
      expect(login.body.accessToken).toBeUndefined();
      expect503(await register());
    } finally {
      await lock.release();
    }
    expect(await sessions()).toBe(0);
    await t.http.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
  });

  it('a file locked for a moment by another process: the write waits without holding up other requests, then succeeds', async () => {
    const dataSource = t.app.get(DataSource);
    // TypeORM reports each failed statement to its logger: the first refusal shows the write has started waiting.
    const failures = jest.spyOn(dataSource.logger, 'logQueryError');
    const lock = await lockSqlite(join(t.database.dataDir, 'portcullis.sqlite'));
    let answered = false;
    const registration = register().then((response) => ((answered = true), response));
    try {
      const busy = () => failures.mock.calls.some(([error]) => isSqliteBusy(error));
      // Requests that need no write are answered meanwhile: the wait for the lock leaves the event loop free. The
      // registration hashes its password first, for as long as the machine takes, before it meets the lock.
      while (!busy() && !answered) {
        await t.http.get('/health/live').expect(200);
      }
      expect(busy()).toBe(true);
      await t.http.get('/health/live').expect(200);
      expect(answered).toBe(false);
    } finally {
      await lock.release();
      failures.mockRestore();
    }
    expect((await registration).status).toBe(201);
  });

  it('a refresh token that cannot be stored: the login returns no tokens and leaves no session behind', async () => {
    const user = await given(t).user();
    const dataSource = t.app.get(DataSource);
    const sessions = () => dataSource.getRepository(Session).countBy({ userId: user.id });
    // The session row fits; the token row brings a megabyte along, which a disk full by then refuses.
    await dataSource.query('CREATE TABLE ballast (b BLOB)');
    await dataSource.query(
      'CREATE TRIGGER ballast BEFORE INSERT ON refresh_tokens BEGIN INSERT INTO ballast VALUES (randomblob(1000000)); END',
    );
    const [{ page_count: pages }] =
      await dataSource.query<Array<{ page_count: number }>>('PRAGMA page_count');
    await dataSource.query(`PRAGMA max_page_count = ${pages + 50}`);
    try {
      const login = await t.http
        .post('/auth/login')
        .send({ email: user.email, password: PASSWORD });
      expect503(login);
      expect(login.body.accessToken).toBeUndefined();
      expect(await sessions()).toBe(0);
    } finally {
      await fillSqlite(t, false);
      await dataSource.query('DROP TRIGGER ballast');
      await dataSource.query('DROP TABLE ballast');
    }
    await t.http.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
    expect(await sessions()).toBe(1);
  });

  it('many writers at once: every registration and login succeeds, with its audit events', async () => {
    const emails = Array.from({ length: 100 }, () => uniqueEmail('parallel'));
    const send = (path: string) =>
      Promise.all(emails.map((email) => t.http.post(path).send({ email, password: PASSWORD })));
    const registered = await send('/auth/register');
    expect(registered.map((answer) => answer.status)).toEqual(emails.map(() => 201));
    const loggedIn = await send('/auth/login');
    expect(loggedIn.map((answer) => answer.status)).toEqual(emails.map(() => 200));
    const ids = registered.map((answer) => (answer.body as { id: string }).id);
    const events = await t.app
      .get(DataSource)
      .getRepository(AuthEvent)
      .findBy({ userId: In(ids), type: In(['user.registered', 'login.succeeded']) });
    expect(events).toHaveLength(2 * ids.length);
  });

  it('a write outside the running transaction fails after the busy timeout, instead of waiting for it forever', async () => {
    const dataSource = t.app.get(DataSource);
    const { body } = await register().expect(201);
    const id = (body as { id: string }).id;
    await expect(
      t.app.get(TransactionRunner).run(async (manager) => {
        await manager.update(User, { id }, { name: 'inside' });
        await dataSource.query("UPDATE users SET name = 'outside' WHERE id = 'none'");
      }),
    ).rejects.toThrow(WriteTurnTimeoutError);
    // The transaction rolled back, and writes take turns again.
    expect(await dataSource.getRepository(User).findOneByOrFail({ id })).not.toMatchObject({
      name: 'inside',
    });
    await register().expect(201);
  });

  it('a transaction that a full disk ended leaves none open: the next ones commit or roll back as they should', async () => {
    const dataSource = t.app.get(DataSource);
    const transactions = t.app.get(TransactionRunner);
    const { body } = await register().expect(201);
    const id = (body as { id: string }).id;
    const rename = (manager: EntityManager, name: string) =>
      manager.query('UPDATE users SET name = ? WHERE id = ?', [name, id]);
    await fillSqlite(t, true);
    try {
      // A name of 2 MB needs pages the file cannot grow by: SQLite rolls the whole transaction back itself.
      await expect(
        transactions.run((manager) => rename(manager, 'x'.repeat(2_000_000))),
      ).rejects.toThrow(/full/);
    } finally {
      await fillSqlite(t, false);
    }
    await expect(
      transactions.run(async (manager) => {
        await rename(manager, 'rolled back');
        throw new Error('refused by the application');
      }),
    ).rejects.toThrow('refused by the application');
    await transactions.run((manager) => rename(manager, 'committed'));
    // Seen from the main connection, so committed; and the main connection can write, so no lock is left behind.
    expect(await dataSource.getRepository(User).findOneByOrFail({ id })).toMatchObject({
      name: 'committed',
    });
    await register().expect(201);
  });

  it("the server's connections never checkpoint the write-ahead log in a commit; its own thread copies it into the file", async () => {
    const autocheckpoint = [{ wal_autocheckpoint: 0 }];
    expect(await t.app.get(DataSource).query('PRAGMA wal_autocheckpoint')).toEqual(autocheckpoint);
    await t.app.get(TransactionRunner).run(async (manager) => {
      expect(await manager.query('PRAGMA wal_autocheckpoint')).toEqual(autocheckpoint);
    });
    await register().expect(201);
    const path = join(t.database.dataDir, 'portcullis.sqlite');
    expect(walIndex(path).frames).toBeGreaterThan(0);
    // The log is still copied into the database file: the thread's checkpoint comes within a second. (A write in
    // the background may start the log over meanwhile; each look compares the two counts of one log.)
    const copied = () => {
      const index = walIndex(path);
      return index.backfilled === index.frames;
    };
    for (let looks = 0; looks < 500 && !copied(); looks += 1) await sleep(20);
    expect(copied()).toBe(true);
  });

  it('a full disk: 503 with Retry-After, then it recovers', async () => {
    await fillSqlite(t, true);
    try {
      // The last pages of the file may still hold a few rows.
      let response = await register();
      for (let tries = 1; response.status === 201 && tries < 100; tries += 1) {
        response = await register();
      }
      expect503(response);
    } finally {
      await fillSqlite(t, false);
    }
    await register().expect(201);
  });
});

/** A PostgreSQL server lost and back: only in the PostgreSQL run (npm run test:pg). */
if (postgresServerUrl()) {
  describe('PostgreSQL connection lost (e2e)', () => {
    let t: TestApp;
    let proxy: Awaited<ReturnType<typeof postgresProxy>>;

    beforeAll(async () => {
      const database = await createTestDatabase('postgres');
      proxy = await postgresProxy(new URL(database.url));
      t = await createTestApp({ database, env: { DATABASE_URL: proxy.url } });
    });
    afterAll(async () => {
      await t.close();
      await proxy.close();
    });

    it('answers 503 with Retry-After while the server is unreachable, and recovers when it is back', async () => {
      await given(t).user();
      proxy.cut();
      try {
        const response = await t.http
          .post('/auth/register')
          .send({ email: uniqueEmail('lost'), password: PASSWORD });
        expect503(response);
        expect503(await t.http.get('/health/ready'));
      } finally {
        proxy.restore();
      }
      await t.http
        .post('/auth/register')
        .send({ email: uniqueEmail('back'), password: PASSWORD })
        .expect(201);
    });
  });
}

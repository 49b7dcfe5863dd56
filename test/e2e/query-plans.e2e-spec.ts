import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { SessionsCleanupJob } from '../../src/sessions/sessions-cleanup.job';
import { given, type SignedInActor } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { bearer, PASSWORD, uniqueEmail, type Tokens } from '../support/http';

const DAY = 86_400_000;
const USERS = 5000;
const SESSIONS_PER_USER = 3;

/**
 * Tables that do not grow with users, sessions or traffic (a few rows each: the signing keys, one lease per job,
 * one health-check row, the migrations run): reading one whole costs the same at any scale.
 */
const FIXED_SIZE_TABLES = new Set(['signing_keys', 'job_leases', 'health_checks', 'migrations']);

interface Statement {
  sql: string;
  parameters: unknown[];
}

/**
 * Every SQL statement the server issues for the requests that run all day (sign-in, refresh, the caller's profile,
 * sign-out, registration, API keys, session lists, account deletion) and for the expiry clean-up, explained on a
 * database filled with a few thousand rows (and, on PostgreSQL, analysed): a statement whose plan reads a whole
 * table that grows with users or sessions fails the suite, named with the plan line. Deletes are also checked for
 * what the foreign keys make the database do to the rows that reference the deleted ones (an ON DELETE CASCADE
 * without an index on the referencing column reads the whole referencing table once per deleted row); SQLite
 * shows that in the statement's own plan, PostgreSQL runs it as separate statements that EXPLAIN does not show.
 */
describe('Query plans (e2e)', () => {
  let t: TestApp;
  let data: DataSource;
  let postgres: boolean;
  /** The statements of the flow being run, in the order issued; null while nothing is recorded. */
  let recording: Statement[] | null = null;
  /** Referencing tables and columns of each table, from the schema's foreign keys. */
  let referencedBy: Map<string, Array<{ table: string; columns: string[] }>>;

  beforeAll(async () => {
    t = await createTestApp();
    data = t.app.get(DataSource);
    postgres = data.options.type === 'postgres';
    await fill(data, t.clock.now());
    if (postgres) await data.query('ANALYZE');
    referencedBy = await foreignKeys(data);
    // On SQLite, transactions run on a second connection of their own (TransactionRunner): listen there too.
    const writer = t.app.get(TransactionRunner)['writer'];
    for (const source of writer ? [data, writer] : [data]) {
      source.subscribers.push({
        beforeQuery: (event) => {
          recording?.push({ sql: event.query, parameters: [...(event.parameters ?? [])] });
        },
      });
    }
  });
  afterAll(async () => {
    await t.close();
  });

  /**
   * Runs `flow` on cold caches (the server keeps session states, profiles and API keys for up to a second) and
   * answers what it issued, including reloads the caches start in the background.
   */
  async function statementsOf(flow: () => Promise<unknown>): Promise<Statement[]> {
    t.clock.advanceSeconds(5);
    const issued: Statement[] = [];
    recording = issued;
    try {
      await flow();
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      recording = null;
    }
    return issued;
  }

  /** The plan lines of one statement, with the statement's own parameters. */
  async function planOf({ sql, parameters }: Statement): Promise<string[]> {
    if (postgres) {
      const rows = await data.query<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN ${sql}`, parameters);
      return rows.map((row) => row['QUERY PLAN']);
    }
    const rows = await data.query<Array<{ detail: string }>>(
      `EXPLAIN QUERY PLAN ${sql}`,
      parameters,
    );
    return rows.map((row) => row.detail);
  }

  /** The lines of a plan that read a growing table whole (or a whole index of it). */
  function tableScans(statement: Statement, plan: string[]): string[] {
    const aliases = tableAliases(statement.sql);
    return plan.filter((line) => {
      const scanned = postgres
        ? /Seq Scan on "?(\w+)"?/.exec(line)?.[1]
        : /^SCAN (?!CONSTANT ROW)"?(\w+)"?/.exec(line)?.[1];
      if (!postgres && /AUTOMATIC/.test(line)) return true;
      if (!scanned) return false;
      return !FIXED_SIZE_TABLES.has(aliases.get(scanned) ?? scanned);
    });
  }

  /**
   * What the foreign keys make a DELETE do to the rows that reference the deleted ones, as statements of their
   * own: a lookup by the referencing columns, followed through cascades to the tables below.
   */
  function cascadesOf(statement: Statement): Statement[] {
    const deleted = /^\s*DELETE\s+FROM\s+"?(\w+)"?/i.exec(statement.sql)?.[1];
    if (!deleted) return [];
    const found: Statement[] = [];
    const visit = (table: string, seen: Set<string>) => {
      for (const child of referencedBy.get(table) ?? []) {
        if (seen.has(child.table)) continue;
        const where = child.columns
          .map((column, i) => `"${column}" = ${postgres ? `$${i + 1}` : '?'}`)
          .join(' AND ');
        found.push({
          sql: `DELETE FROM "${child.table}" WHERE ${where}`,
          parameters: child.columns.map(() => randomUUID()),
        });
        visit(child.table, new Set([...seen, child.table]));
      }
    };
    visit(deleted, new Set([deleted]));
    return found;
  }

  /** Every table scan in the plans of `statements` (and of the deletes' cascades), one line per statement. */
  async function scansIn(statements: Statement[]): Promise<string[]> {
    const problems: string[] = [];
    const explained = new Set<string>();
    const explain = async (statement: Statement, origin?: Statement) => {
      if (explained.has(statement.sql) || !isExplainable(statement.sql)) return;
      explained.add(statement.sql);
      const scans = tableScans(statement, await planOf(statement));
      if (scans.length > 0) {
        const cause = origin ? ` (what the foreign keys do for: ${shorten(origin.sql)})` : '';
        problems.push(
          `${shorten(statement.sql)}${cause}\n    reads a whole table: ${scans.join('; ')}`,
        );
      }
    };
    for (const statement of statements) {
      await explain(statement);
      for (const cascade of cascadesOf(statement)) await explain(cascade, statement);
    }
    return problems;
  }

  /** Runs the flow, checks it issued statements on `tables`, and answers every scan in their plans. */
  async function scansOfFlow(tables: string[], flow: () => Promise<unknown>): Promise<string[]> {
    const statements = await statementsOf(flow);
    const touched = new Set(statements.flatMap((s) => [...tableAliases(s.sql).values()]));
    expect(tables.filter((table) => !touched.has(table))).toEqual([]);
    return scansIn(statements);
  }

  const signedIn = (): Promise<SignedInActor> => given(t).signedInUser();

  it('registration reads and writes through indexes only', async () => {
    const scans = await scansOfFlow(['users', 'auth_events'], () =>
      t.http.post('/auth/register').send({ email: uniqueEmail(), password: PASSWORD }).expect(201),
    );
    expect(scans).toEqual([]);
  });

  it('login reads and writes through indexes only', async () => {
    const { email } = await given(t).user();
    const scans = await scansOfFlow(['users', 'sessions', 'refresh_tokens', 'auth_events'], () =>
      t.http.post('/auth/login').send({ email, password: PASSWORD }).expect(200),
    );
    expect(scans).toEqual([]);
  });

  it('a failed login reads and writes through indexes only', async () => {
    const { email } = await given(t).user();
    const scans = await scansOfFlow(['users', 'auth_events'], async () => {
      await t.http.post('/auth/login').send({ email, password: 'not the password' }).expect(401);
      await t.http
        .post('/auth/login')
        .send({ email: uniqueEmail(), password: PASSWORD })
        .expect(401);
    });
    expect(scans).toEqual([]);
  });

  it('refresh reads and writes through indexes only', async () => {
    const { tokens } = await signedIn();
    const scans = await scansOfFlow(['users', 'sessions', 'refresh_tokens'], () =>
      t.http.post('/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(200),
    );
    expect(scans).toEqual([]);
  });

  it('reuse of a rotated refresh token reads and writes through indexes only', async () => {
    const { tokens } = await signedIn();
    await t.http.post('/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(200);
    t.clock.advanceSeconds(60);
    const scans = await scansOfFlow(['sessions', 'refresh_tokens'], () =>
      t.http.post('/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(401),
    );
    expect(scans).toEqual([]);
  });

  it('GET /users/me reads through indexes only', async () => {
    const { tokens } = await signedIn();
    const scans = await scansOfFlow(['users', 'sessions'], () =>
      t.http.get('/users/me').set(bearer(tokens.accessToken)).expect(200),
    );
    expect(scans).toEqual([]);
  });

  it('logout reads and writes through indexes only', async () => {
    const { tokens } = await signedIn();
    const scans = await scansOfFlow(['sessions', 'auth_events'], () =>
      t.http.post('/auth/logout').set(bearer(tokens.accessToken)).expect(204),
    );
    expect(scans).toEqual([]);
  });

  it('logout from every session reads and writes through indexes only', async () => {
    const { tokens } = await signedIn();
    const scans = await scansOfFlow(['sessions'], () =>
      t.http.post('/auth/logout-all').set(bearer(tokens.accessToken)).expect(204),
    );
    expect(scans).toEqual([]);
  });

  it('a request with an API key reads and writes through indexes only', async () => {
    const { tokens } = await signedIn();
    const created = await t.http
      .post('/api-keys')
      .set(bearer(tokens.accessToken))
      .send({ name: 'plans', scopes: ['users:read'] })
      .expect(201);
    const key = (created.body as { key: string }).key;
    const scans = await scansOfFlow(['api_keys', 'users'], () =>
      t.http.get('/users/me').set(bearer(key)).expect(200),
    );
    expect(scans).toEqual([]);
  });

  it('creating, listing and deleting API keys reads and writes through indexes only', async () => {
    const { tokens } = await signedIn();
    const scans = await scansOfFlow(['api_keys'], async () => {
      const created = await t.http
        .post('/api-keys')
        .set(bearer(tokens.accessToken))
        .send({ name: 'plans', scopes: ['users:read'] })
        .expect(201);
      await t.http.get('/api-keys').set(bearer(tokens.accessToken)).expect(200);
      await t.http
        .delete(`/api-keys/${(created.body as { id: string }).id}`)
        .set(bearer(tokens.accessToken))
        .expect(204);
    });
    expect(scans).toEqual([]);
  });

  it('listing and ending sessions reads and writes through indexes only', async () => {
    const user = await given(t).user();
    const other = await given(t).session(user);
    const { accessToken }: Tokens = await given(t).session(user);
    const otherId = sessionIdOf(other.accessToken);
    const scans = await scansOfFlow(['sessions'], async () => {
      await t.http.get('/auth/sessions').set(bearer(accessToken)).expect(200);
      await t.http.delete(`/auth/sessions/${otherId}`).set(bearer(accessToken)).expect(204);
    });
    expect(scans).toEqual([]);
  });

  it('deleting an account reads and deletes through indexes only, cascades included', async () => {
    const { tokens } = await signedIn();
    const scans = await scansOfFlow(['users'], () =>
      t.http
        .delete('/users/me')
        .set(bearer(tokens.accessToken))
        .send({ password: PASSWORD })
        .expect(204),
    );
    expect(scans).toEqual([]);
  });

  it('the expiry clean-up finds and deletes through indexes only, cascades included', async () => {
    const job = t.app.get(SessionsCleanupJob);
    let deleted = 0;
    const scans = await scansOfFlow(['sessions', 'refresh_tokens'], async () => {
      // The job's lease is held for a few minutes after a run.
      t.clock.advanceSeconds(3600);
      deleted = await job.run();
    });
    // The filled database has ended sessions and consumed tokens: the deletes ran, and were explained.
    expect(deleted).toBeGreaterThan(0);
    expect(scans).toEqual([]);
  });
});

const isExplainable = (sql: string): boolean =>
  /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql);

const shorten = (sql: string): string =>
  sql
    .replace(/\s+/g, ' ')
    .replace(/((?:\?|\$\d+), ){3,}/g, '…, ')
    .slice(0, 400);

/** Table names by the names a statement gives them (`FROM "sessions" "Session"`), and each table by its own. */
function tableAliases(sql: string): Map<string, string> {
  const aliases = new Map<string, string>();
  const pattern = /\b(?:FROM|JOIN|UPDATE|INTO)\s+"?(\w+)"?(?:\s+(?:AS\s+)?"(\w+)")?/gi;
  for (const [, table, alias] of sql.matchAll(pattern)) {
    aliases.set(table, table);
    if (alias) aliases.set(alias, table);
  }
  return aliases;
}

const sessionIdOf = (accessToken: string): string =>
  (JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as { sid: string })
    .sid;

/** The foreign keys, turned around: for each table, the tables (and columns) that reference it. */
async function foreignKeys(
  data: DataSource,
): Promise<Map<string, Array<{ table: string; columns: string[] }>>> {
  const runner = data.createQueryRunner();
  try {
    const referencedBy = new Map<string, Array<{ table: string; columns: string[] }>>();
    for (const table of await runner.getTables()) {
      for (const key of table.foreignKeys) {
        const parent = key.referencedTableName.split('.').pop()!;
        const list = referencedBy.get(parent) ?? [];
        list.push({ table: table.name.split('.').pop()!, columns: key.columnNames });
        referencedBy.set(parent, list);
      }
    }
    return referencedBy;
  } finally {
    await runner.release();
  }
}

/**
 * A few thousand rows in each table that grows, shaped like a running service's: most sessions live, a few ended
 * or revoked long ago, refresh tokens consumed, API keys, two-factor secrets, events, one-time tokens, sent mail.
 */
async function fill(data: DataSource, now: number): Promise<void> {
  const hex = () => randomBytes(32).toString('hex');
  const ago = (days: number) => Math.round(now - days * DAY);
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: randomUUID(),
    email: `filled-${i}@example.com`,
    name: `Filled ${i}`,
    password_hash:
      '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$ZmlsbGVkIHVzZXJzIGRvIG5vdCBzaWduIGlu',
    roles: 'user',
    email_verified: true,
    disabled: false,
    failed_logins: 0,
    locked_until: null,
    lockouts: 0,
    last_login_at: ago(i % 30),
    created_at: ago(365 - (i * 365) / USERS),
    updated_at: ago(i % 30),
  }));
  await insertRows(data, 'users', users);

  const sessions: Array<Record<string, unknown>> = [];
  const tokens: Array<Record<string, unknown>> = [];
  users.forEach((user, i) => {
    for (let n = 0; n < SESSIONS_PER_USER; n += 1) {
      // Of every thousand sessions: one ended, one revoked, one rotated, all more than a refresh lifetime ago (what
      // the clean-up deletes, a few rows in a large table as on a running service); the others live, half of them
      // rotated recently.
      const kind = (i * SESSIONS_PER_USER + n) % 1000;
      const created = kind === 0 ? ago(120) : kind < 3 ? ago(60) : ago(1 + (i % 20));
      const sessionId = randomUUID();
      const first = { id: randomUUID(), hash: hex(), created };
      const rotated =
        kind === 2 || (kind > 2 && i % 2 === 0)
          ? { id: randomUUID(), hash: hex(), created: created + DAY / 2 }
          : null;
      const current = rotated ?? first;
      sessions.push({
        id: sessionId,
        user_id: user.id,
        user_agent: 'Mozilla/5.0',
        ip: '203.0.113.7',
        amr: 'pwd',
        created_at: created,
        last_used_at: current.created,
        expires_at: created + 90 * DAY,
        revoked_at: kind === 1 ? ago(45) : null,
        revoked_reason: kind === 1 ? 'logout' : null,
        current_token_id: current.id,
        previous_token_id: rotated ? first.id : null,
        rotated_at: rotated ? rotated.created : null,
      });
      for (const token of rotated ? [first, rotated] : [first]) {
        tokens.push({
          id: token.id,
          session_id: sessionId,
          token_hash: token.hash,
          parent_id: token === rotated ? first.id : null,
          created_at: token.created,
          expires_at: Math.min(token.created + 30 * DAY, created + 90 * DAY),
        });
      }
    }
  });
  await insertRows(data, 'sessions', sessions);
  await insertRows(data, 'refresh_tokens', tokens);

  await insertRows(
    data,
    'api_keys',
    users
      .filter((_, i) => i % 3 === 0)
      .map((user, i) => ({
        id: randomBytes(8).toString('hex'),
        user_id: user.id,
        name: `key ${i}`,
        secret_hash: hex(),
        scopes: 'users:read',
        created_at: ago(100 - (i % 90)),
        expires_at: null,
        last_used_at: ago(i % 10),
      })),
  );
  await insertRows(
    data,
    'auth_events',
    sessions.map((session, i) => ({
      id: randomUUID(),
      type: 'login.succeeded',
      user_id: session.user_id,
      actor_id: null,
      session_id: session.id,
      ip: '203.0.113.7',
      user_agent: 'Mozilla/5.0',
      at: session.created_at,
      detail: i % 2 === 0 ? '{}' : '{"amr":["pwd"]}',
    })),
  );
  await insertRows(
    data,
    'one_time_tokens',
    users
      .filter((_, i) => i % 3 === 1)
      .map((user, i) => ({
        id: randomUUID(),
        user_id: user.id,
        purpose: 'verify_email',
        token_hash: hex(),
        email: user.email,
        created_at: ago(i % 5),
        expires_at: ago(i % 5) + DAY,
        used_at: i % 2 === 0 ? ago(i % 5) : null,
        attempts: 0,
      })),
  );
  const withTotp = users.filter((_, i) => i % 5 === 0);
  await insertRows(
    data,
    'mfa_totp',
    withTotp.map((user) => ({
      user_id: user.id,
      secret: hex(),
      created_at: ago(10),
      enabled_at: ago(10),
      last_used_step: null,
    })),
  );
  await insertRows(
    data,
    'mfa_recovery_codes',
    withTotp.flatMap((user) =>
      Array.from({ length: 3 }, () => ({
        id: randomUUID(),
        user_id: user.id,
        code_hash: hex(),
        created_at: ago(10),
        used_at: null,
      })),
    ),
  );
  await insertRows(
    data,
    'mail_outbox',
    users.map((user, i) => ({
      id: randomUUID(),
      recipient: user.email,
      kind: 'verify_email',
      subject: 'Confirm your address',
      text_body: 'Confirm your address',
      html_body: '<p>Confirm your address</p>',
      status: 'sent',
      attempts: 1,
      next_attempt_at: ago(i % 7),
      claimed_until: null,
      last_error: null,
      created_at: ago(i % 7),
      sent_at: ago(i % 7),
    })),
  );
}

/** Multi-row INSERTs, 200 rows each. */
async function insertRows(
  data: DataSource,
  table: string,
  rows: Array<Record<string, unknown>>,
): Promise<void> {
  const columns = Object.keys(rows[0]);
  const postgres = data.options.type === 'postgres';
  for (let start = 0; start < rows.length; start += 200) {
    const batch = rows.slice(start, start + 200);
    let n = 0;
    const values = batch
      .map(() => `(${columns.map(() => (postgres ? `$${(n += 1)}` : '?')).join(', ')})`)
      .join(', ');
    await data.query(
      `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${values}`,
      // SQLite has no boolean: 1 and 0, as TypeORM writes them.
      batch.flatMap((row) =>
        columns.map((column) =>
          typeof row[column] === 'boolean' && !postgres ? Number(row[column]) : row[column],
        ),
      ),
    );
  }
}

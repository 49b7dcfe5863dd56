'use strict';
/**
 * Data at scale (npm run bench:scale). On SQLite and on PostgreSQL in turn:
 * 1. fills a database with BENCH_SCALE_USERS users (default 1,000,000), three sessions each with their refresh
 *    tokens (one session in three rotated once: four tokens per user), by multi-row INSERTs in transactions on
 *    SQLite and unnest() batches through `pg` on PostgreSQL, with one precomputed argon2id hash for every user;
 * 2. measures login, refresh, GET /users/me, logout and registration on the compiled server (dist/main.js, a child
 *    process) at a tenth of that and at all of it, each in alternating rounds with the same server on an empty
 *    database, so that the machine's noise hits both alike; each figure is PASS while it stays within 20% of the
 *    empty database's;
 * 3. at the full size, reports the size of each table and index, with the schema before the IndexesAtScale
 *    migration (its down(), then up() again) and after;
 * 4. marks as many sessions as there are users ended long ago, and runs the session clean-up job (in the server's
 *    process, bench/scale-server.js) while logins run: login p99 under the clean-up against idle (PASS within 2x).
 * The report goes to stdout and to bench/results/scale-<date>.md and scale-latest.md.
 *
 * Environment: BENCH_SCALE_USERS (default 1000000), BENCH_SCALE_DATABASES (default "sqlite,postgres"),
 * BENCH_SCALE_PG_URL (default postgres://postgres@127.0.0.1:5432/test: a server where this user may create
 * databases; portcullis_scale and portcullis_scale_empty are created and dropped), BENCH_DURATION (seconds per run,
 * default 10), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 10), BENCH_LOGIN_CONNECTIONS (login and
 * registration, default 4), BENCH_SCALE_LOGOUTS (logouts per run, default 600), BENCH_SCALE_CLEANUP_CONNECTIONS
 * (logins during the clean-up, default 2), BENCH_SCALE_KEEP=1 (keep the databases), BENCH_SCALE_PHASES (which of
 * steps 2, 3 and 4 to run: default "routes,sizes,cleanup"; the fill always runs).
 */
const { randomBytes, randomUUID } = require('node:crypto');
const { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const argon2 = require('argon2');
const autocannon = require('autocannon');
const { Client } = require('pg');
const Database = require('better-sqlite3');
const {
  ROOT,
  DURATION,
  CONNECTIONS,
  PASSWORD,
  log,
  post,
  startPortcullis,
  fmt,
  pickMedian,
} = require('./lib');

const USERS = Number(process.env.BENCH_SCALE_USERS ?? 1_000_000);
const SCALES = [Math.round(USERS / 10), USERS];
const DATABASES = (process.env.BENCH_SCALE_DATABASES ?? 'sqlite,postgres').split(',');
const PG_URL = process.env.BENCH_SCALE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LOGIN_CONNECTIONS = Number(process.env.BENCH_LOGIN_CONNECTIONS ?? 4);
const LOGOUTS = Number(process.env.BENCH_SCALE_LOGOUTS ?? 600);
const CLEANUP_CONNECTIONS = Number(process.env.BENCH_SCALE_CLEANUP_CONNECTIONS ?? 2);
const KEEP = process.env.BENCH_SCALE_KEEP === '1';
const PHASES = new Set((process.env.BENCH_SCALE_PHASES ?? 'routes,sizes,cleanup').split(','));
const RESULTS = join(ROOT, 'bench', 'results');
const DAY = 86_400_000;
/** Users per transaction (and per unnest batch) while filling. */
const CHUNK = 2000;
/** Access tokens GET /users/me goes round: each is a session and a user the server reads now and then. */
const ME_SESSIONS = 100;
/** Within this of the empty database's figure: flat. */
const FLAT = 0.8;
const SERVER_ENV = {
  THROTTLE_LIMIT: '1000000000',
  LOGIN_THROTTLE_LIMIT: '1000000000',
  LOCKOUT_THRESHOLD: '1000000000',
};

const COLUMNS = {
  users: {
    id: 'varchar',
    email: 'varchar',
    name: 'varchar',
    password_hash: 'varchar',
    roles: 'text',
    email_verified: 'boolean',
    disabled: 'boolean',
    failed_logins: 'int',
    locked_until: 'bigint',
    lockouts: 'int',
    last_login_at: 'bigint',
    created_at: 'bigint',
    updated_at: 'bigint',
  },
  sessions: {
    id: 'varchar',
    user_id: 'varchar',
    user_agent: 'varchar',
    ip: 'varchar',
    amr: 'varchar',
    created_at: 'bigint',
    last_used_at: 'bigint',
    expires_at: 'bigint',
    revoked_at: 'bigint',
    revoked_reason: 'varchar',
    current_token_id: 'varchar',
    previous_token_id: 'varchar',
    rotated_at: 'bigint',
  },
  refresh_tokens: {
    id: 'varchar',
    session_id: 'varchar',
    token_hash: 'varchar',
    parent_id: 'varchar',
    created_at: 'bigint',
    expires_at: 'bigint',
  },
};
const TABLES = Object.keys(COLUMNS);
const ROWS_PER_USER = 8;

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'okhttp/4.12.0',
];

const filledEmail = (n) => `scale-${n}@example.com`;

/**
 * The rows of users [from, to): created over two years (older first), each with three sessions opened within the
 * 90 days a session lives (one in ten since revoked by a logout); the first session of each user was refreshed
 * once (its first token consumed, a second one current), within the 30 days a refresh token lives. Nothing here
 * is old enough for the clean-up job.
 */
function rowsOf(from, to, now, passwordHash) {
  const rows = { users: [], sessions: [], refresh_tokens: [] };
  const rand = (ms) => Math.floor(Math.random() * ms);
  for (let n = from; n < to; n += 1) {
    const userId = randomUUID();
    const userCreated = now - Math.floor(730 * DAY * (1 - n / USERS)) - rand(DAY);
    const lastLogin = Math.max(userCreated, now - rand(30 * DAY));
    rows.users.push([
      userId,
      filledEmail(n),
      `User ${n}`,
      passwordHash,
      'user',
      n % 5 !== 0,
      false,
      0,
      null,
      0,
      lastLogin,
      userCreated,
      lastLogin,
    ]);
    for (let k = 0; k < 3; k += 1) {
      const rotated = k === 0;
      const created = Math.max(userCreated, now - rand((rotated ? 29 : 89) * DAY));
      const expires = created + 90 * DAY;
      const first = { id: randomUUID(), created };
      const second = rotated ? { id: randomUUID(), created: created + rand(now - created) } : null;
      const current = second ?? first;
      const revoked = n % 10 === k ? now - rand(Math.min(now - created, 20 * DAY)) : null;
      const sessionId = randomUUID();
      rows.sessions.push([
        sessionId,
        userId,
        USER_AGENTS[(n + k) % USER_AGENTS.length],
        `198.51.100.${(n * 3 + k) % 250}`,
        'pwd',
        created,
        current.created,
        expires,
        revoked,
        revoked === null ? null : 'logout',
        current.id,
        second ? first.id : null,
        second ? second.created : null,
      ]);
      for (const token of second ? [first, second] : [first]) {
        rows.refresh_tokens.push([
          token.id,
          sessionId,
          randomBytes(32).toString('hex'),
          token === second ? first.id : null,
          token.created,
          Math.min(token.created + 30 * DAY, expires),
        ]);
      }
    }
  }
  return rows;
}

/** Prints progress at most every two seconds: rows, percent, rows per second. */
function progress(label, from, to) {
  const started = Date.now();
  let last = 0;
  return (done, force = false) => {
    const now = Date.now();
    if (!force && now - last < 2000) return;
    last = now;
    const users = done - from;
    const rate = (users * ROWS_PER_USER) / Math.max(0.001, (now - started) / 1000);
    log(
      `  ${label}: ${fmt(done)} of ${fmt(to)} users (${fmt((100 * users) / (to - from))}% of this step), ` +
        `${fmt(users * ROWS_PER_USER)} rows, ${fmt(rate)} rows/s`,
    );
  };
}

/* ---------------------------------------------------------------- SQLite ---------------------------------------------------------------- */

/** A promise-shaped better-sqlite3 connection: the same calls as the PostgreSQL client below. */
function openSqlite(path) {
  const db = new Database(path);
  // A statement that answers rows (a PRAGMA that reports) is read with `all`; better-sqlite3 refuses `run` there.
  // better-sqlite3 binds no booleans: 1 and 0, as SQLite stores them.
  const execute = (statement, params) => {
    const values = params.map((value) => (typeof value === 'boolean' ? Number(value) : value));
    return statement.reader ? statement.all(...values) : statement.run(...values);
  };
  return {
    all: async (sql, params = []) => execute(db.prepare(sql), params),
    run: async (sql, params = []) => execute(db.prepare(sql), params),
    prepare: (sql) => {
      const statement = db.prepare(sql);
      return {
        run: async (params) => {
          execute(statement, params);
        },
        finalize: async () => undefined,
      };
    },
    close: async () => db.close(),
  };
}

/** The bench's own connection to a database, for filling, changing and measuring it while no server runs. */
const sqliteDatabase = (dir) => {
  const path = join(dir, 'portcullis.sqlite');
  return {
    kind: 'sqlite',
    dir,
    env: { DATABASE_URL: `sqlite:${path}` },
    config: { kind: 'sqlite', url: `sqlite:${path}`, path },
    async create() {
      mkdirSync(dir, { recursive: true });
    },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
    async fill(from, to, passwordHash) {
      const db = openSqlite(path);
      await db.run('PRAGMA synchronous = OFF');
      await db.run('PRAGMA cache_size = -1048576');
      const perStatement = 500;
      const insert = (table, count) => {
        const columns = Object.keys(COLUMNS[table]);
        const row = `(${columns.map(() => '?').join(', ')})`;
        return db.prepare(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(count).fill(row).join(', ')}`,
        );
      };
      const full = Object.fromEntries(TABLES.map((table) => [table, insert(table, perStatement)]));
      const show = progress('sqlite', from, to);
      const now = Date.now();
      for (let start = from; start < to; start += CHUNK) {
        const end = Math.min(to, start + CHUNK);
        const rows = rowsOf(start, end, now, passwordHash);
        await db.run('BEGIN');
        for (const table of TABLES) {
          const list = rows[table];
          for (let i = 0; i < list.length; i += perStatement) {
            const batch = list.slice(i, i + perStatement);
            const statement =
              batch.length === perStatement ? full[table] : insert(table, batch.length);
            await statement.run(batch.flat());
            if (statement !== full[table]) await statement.finalize();
          }
        }
        await db.run('COMMIT');
        show(end, end === to);
      }
      for (const statement of Object.values(full)) await statement.finalize();
      await db.run('PRAGMA wal_checkpoint(TRUNCATE)');
      await db.close();
    },
    async query(sql, params = []) {
      const db = openSqlite(path);
      try {
        return await db.all(sql, params);
      } finally {
        await db.close();
      }
    },
    /** Marks `count` sessions (the first by id: spread over every user and time) ended long ago. */
    async endSessions(count, now) {
      const db = openSqlite(path);
      await db.run(
        `UPDATE sessions SET expires_at = ? - (abs(random()) % ${30 * DAY}), revoked_at = NULL, revoked_reason = NULL
         WHERE id IN (SELECT id FROM sessions ORDER BY id LIMIT ?)`,
        [now - 31 * DAY, count],
      );
      await db.run('PRAGMA wal_checkpoint(TRUNCATE)');
      await db.close();
    },
    /** Bytes of each table and index (dbstat), and of the file. */
    async sizes() {
      const db = openSqlite(path);
      const objects = await db.all(
        "SELECT m.name AS name, m.type AS type, m.tbl_name AS tbl, SUM(s.pgsize) AS bytes FROM dbstat s JOIN sqlite_schema m ON m.name = s.name WHERE m.tbl_name IN ('users', 'sessions', 'refresh_tokens') GROUP BY m.name",
      );
      const [{ page_size: pageSize }] = await db.all('PRAGMA page_size');
      const [{ page_count: pages }] = await db.all('PRAGMA page_count');
      const [{ freelist_count: free }] = await db.all('PRAGMA freelist_count');
      await db.close();
      return {
        objects: objects.map((o) => ({
          table: o.tbl,
          name: o.type === 'table' ? `${o.name} (rows)` : o.name,
          bytes: Number(o.bytes),
        })),
        file: statSync(path).size,
        used: (pages - free) * pageSize,
      };
    },
  };
};

/* -------------------------------------------------------------- PostgreSQL -------------------------------------------------------------- */

async function pgClient(url) {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

const postgresDatabase = (name, dir) => {
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const withClient = async (work) => {
    const client = await pgClient(url.toString());
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const admin = async (sql) => {
    const client = await pgClient(PG_URL);
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    kind: 'postgres',
    dir,
    env: { DATABASE_URL: url.toString() },
    config: { kind: 'postgres', url: url.toString() },
    async create() {
      mkdirSync(dir, { recursive: true });
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin(`CREATE DATABASE ${name}`);
    },
    async drop() {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      rmSync(dir, { recursive: true, force: true });
    },
    fill: (from, to, passwordHash) =>
      withClient(async (client) => {
        await client.query('SET synchronous_commit = off');
        const statements = Object.fromEntries(
          TABLES.map((table) => {
            const columns = Object.entries(COLUMNS[table]);
            return [
              table,
              `INSERT INTO ${table} (${columns.map(([c]) => c).join(', ')}) SELECT * FROM unnest(${columns
                .map(([, type], i) => `$${i + 1}::${type}[]`)
                .join(', ')})`,
            ];
          }),
        );
        const show = progress('postgres', from, to);
        const now = Date.now();
        for (let start = from; start < to; start += CHUNK) {
          const end = Math.min(to, start + CHUNK);
          const rows = rowsOf(start, end, now, passwordHash);
          await client.query('BEGIN');
          for (const table of TABLES) {
            const width = Object.keys(COLUMNS[table]).length;
            const columns = Array.from({ length: width }, (_, i) =>
              rows[table].map((row) => row[i]),
            );
            await client.query(statements[table], columns);
          }
          await client.query('COMMIT');
          show(end, end === to);
        }
        log('  postgres: VACUUM ANALYZE');
        for (const table of TABLES) await client.query(`VACUUM ANALYZE ${table}`);
      }),
    query: (sql, params = []) =>
      withClient(async (client) => (await client.query(sql, params)).rows),
    endSessions: (count, now) =>
      withClient(async (client) => {
        await client.query(
          `UPDATE sessions SET expires_at = $1 - floor(random() * ${30 * DAY})::bigint, revoked_at = NULL,
           revoked_reason = NULL WHERE id IN (SELECT id FROM sessions ORDER BY id LIMIT $2)`,
          [now - 31 * DAY, count],
        );
        await client.query('VACUUM ANALYZE sessions');
      }),
    sizes: () =>
      withClient(async (client) => {
        const { rows } = await client.query(
          `SELECT c.relname AS table, c.relname || ' (rows)' AS name, pg_table_size(c.oid) AS bytes,
                  pg_total_relation_size(c.oid) AS total
             FROM pg_class c WHERE c.relname = ANY($1)
           UNION ALL
           SELECT t.relname, i.relname, pg_relation_size(i.oid), NULL
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY($1)`,
          [TABLES],
        );
        const [{ bytes }] = (
          await client.query('SELECT pg_database_size(current_database()) AS bytes')
        ).rows;
        return {
          objects: rows.map((r) => ({ table: r.table, name: r.name, bytes: Number(r.bytes) })),
          totals: Object.fromEntries(
            rows.filter((r) => r.total !== null).map((r) => [r.table, Number(r.total)]),
          ),
          database: Number(bytes),
        };
      }),
  };
};

/* ----------------------------------------------------------------- schema ---------------------------------------------------------------- */

/** Runs `down` or `up` of the IndexesAtScale migration through the built data source options. */
async function indexMigration(database, direction) {
  require('reflect-metadata');
  const { DataSource } = require('typeorm');
  const { buildDataSourceOptions } = require(join(ROOT, 'dist', 'database', 'data-source.options'));
  const { IndexesAtScale1764979200000 } = require(
    join(ROOT, 'dist', 'database', 'migrations', '1764979200000-indexes-at-scale'),
  );
  const data = await new DataSource(buildDataSourceOptions(database.config)).initialize();
  const runner = data.createQueryRunner();
  try {
    await new IndexesAtScale1764979200000()[direction](runner);
  } finally {
    await runner.release();
    await data.destroy();
  }
}

/* ----------------------------------------------------------------- load ----------------------------------------------------------------- */

/**
 * One autocannon run: requests per second over the whole run, timed here, p50 and p99. Answers of another
 * status than `expectStatus` (2xx by default), errors and timeouts are counted in `failed`, with the statuses seen:
 * the report marks such a figure FAIL, whatever its speed.
 */
async function cannon({ expectStatus, ...options }) {
  const started = process.hrtime.bigint();
  const result = await autocannon({ duration: DURATION, connections: CONNECTIONS, ...options });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const figure = figures(result, seconds, expectStatus);
  // A run of a fixed number of requests ends on autocannon's next one-second tick: its rate comes from the
  // latency instead (connections kept busy / mean time per request).
  if (options.amount)
    figure.rps = ((options.connections ?? CONNECTIONS) * 1000) / result.latency.mean;
  return figure;
}

function figures(result, seconds, expectStatus) {
  const wrong = Object.entries(result.statusCodeStats)
    .filter(([status]) => (expectStatus ? Number(status) !== expectStatus : !/^2/.test(status)))
    .reduce((sum, [, { count }]) => sum + count, 0);
  return {
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    failed: wrong + result.errors + result.timeouts,
    statuses: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]),
    ),
  };
}

/** A server under test and what it needs to be driven: emails that can sign in, pools of sessions. */
function driven(server, emailOf, count) {
  return {
    server,
    email: () => emailOf(Math.floor(Math.random() * count)),
    async login() {
      return post(`${server.url}/auth/login`, { email: this.email(), password: PASSWORD });
    },
    /** `n` fresh sessions, four logins at a time. */
    async sessions(n) {
      const out = [];
      const worker = async () => {
        while (out.length < n) out.push(await this.login());
      };
      await Promise.all(Array.from({ length: LOGIN_CONNECTIONS }, worker));
      return out.slice(0, n);
    },
  };
}

let registrations = 0;

/** Logins as random filled users of `d`, on `connections` connections; `extra` adds autocannon options. */
const loginLoad = (d, connections, extra = {}) => ({
  title: 'POST /auth/login',
  url: d.server.url,
  connections,
  requests: [
    {
      method: 'POST',
      path: '/auth/login',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify({ email: d.email(), password: PASSWORD }),
      }),
    },
  ],
  ...extra,
});

const ROUTES = {
  'POST /auth/login': (d) => cannon(loginLoad(d, LOGIN_CONNECTIONS)),
  'POST /auth/refresh': async (d) => {
    // The tokens of requests in flight when a run stops are lost with their answers: top the pool up first.
    const missing = CONNECTIONS + 2 - d.refreshPool.length;
    if (missing > 0) {
      d.refreshPool.push(...(await d.sessions(missing)).map((tokens) => tokens.refreshToken));
    }
    return cannon({
      title: 'POST /auth/refresh',
      url: d.server.url,
      requests: [
        {
          method: 'POST',
          path: '/auth/refresh',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ refreshToken: d.refreshPool.shift() }),
          }),
          onResponse: (status, body) => {
            if (status === 200) d.refreshPool.push(JSON.parse(body).refreshToken);
          },
        },
      ],
    });
  },
  'GET /users/me': (d) => {
    let next = 0;
    return cannon({
      title: 'GET /users/me',
      url: d.server.url,
      requests: [
        {
          method: 'GET',
          path: '/users/me',
          setupRequest: (request) => ({
            ...request,
            headers: {
              authorization: `Bearer ${d.mePool[(next += 1) % d.mePool.length].accessToken}`,
            },
          }),
        },
      ],
    });
  },
  'POST /auth/logout': async (d) => {
    // A spare session per connection: a connection may prepare its next request before the run's last answer.
    const pool = await d.sessions(LOGOUTS + CONNECTIONS);
    return cannon({
      title: 'POST /auth/logout',
      url: d.server.url,
      amount: LOGOUTS,
      expectStatus: 204,
      requests: [
        {
          method: 'POST',
          path: '/auth/logout',
          setupRequest: (request) => ({
            ...request,
            headers: { authorization: `Bearer ${pool.pop().accessToken}` },
          }),
        },
      ],
    });
  },
  'POST /auth/register': (d) =>
    cannon({
      title: 'POST /auth/register',
      url: d.server.url,
      connections: LOGIN_CONNECTIONS,
      expectStatus: 201,
      requests: [
        {
          method: 'POST',
          path: '/auth/register',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({
              email: `registered-${process.pid}-${(registrations += 1)}@example.com`,
              password: PASSWORD,
            }),
          }),
        },
      ],
    }),
};

/** Every route, ROUNDS times, alternating between the empty database's server and the filled one's. */
async function measure(label, empty, filled) {
  for (const d of [empty, filled]) {
    d.mePool = await d.sessions(ME_SESSIONS);
    d.refreshPool = (await d.sessions(CONNECTIONS + 2)).map((tokens) => tokens.refreshToken);
    await cannon({
      title: 'warm-up',
      url: `${d.server.url}/users/me`,
      headers: { authorization: `Bearer ${d.mePool[0].accessToken}` },
      duration: 2,
    });
  }
  const results = {};
  for (const route of Object.keys(ROUTES)) {
    results[route] = { empty: [], filled: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? ['empty', 'filled'] : ['filled', 'empty'];
      for (const which of order) {
        const run = await ROUTES[route](which === 'empty' ? empty : filled);
        results[route][which].push(run);
        log(
          `  ${label}, ${route}, round ${round + 1}, ${which}: ${fmt(run.rps, 1)} req/s, p99 ${run.p99} ms` +
            (run.failed ? `, ${run.failed} failed (${JSON.stringify(run.statuses)})` : ''),
        );
      }
    }
  }
  return results;
}

/** Logins during the clean-up job, against logins just before it: p99 of each. */
async function cleanupPhase(database, filledCount) {
  const now = Date.now();
  const before = await countRows(database);
  log(`  marking ${fmt(USERS)} sessions ended long ago`);
  let started = Date.now();
  await database.endSessions(USERS, now);
  const markSeconds = (Date.now() - started) / 1000;
  const server = await startPortcullis(
    join(__dirname, 'scale-server.js'),
    { ...SERVER_ENV, ...database.env },
    { dataDir: database.dir, ipc: true },
  );
  try {
    const d = driven(server, filledEmail, filledCount);
    await d.sessions(20);
    log(`  logins, idle: ${CLEANUP_CONNECTIONS} connections, ${DURATION * 3} s`);
    const idle = await cannon(loginLoad(d, CLEANUP_CONNECTIONS, { duration: DURATION * 3 }));
    log(`  idle: ${fmt(idle.rps, 1)} logins/s, p99 ${idle.p99} ms; starting the clean-up job`);
    started = Date.now();
    const done = new Promise((resolve) => server.child.once('message', resolve));
    server.child.send('clean-up');
    const heartbeat = setInterval(
      () => log(`  clean-up running: ${fmt((Date.now() - started) / 1000)} s`),
      30_000,
    );
    const load = autocannon(loginLoad(d, CLEANUP_CONNECTIONS, { duration: 24 * 3600 }));
    const job = await done;
    clearInterval(heartbeat);
    load.stop();
    const result = await load;
    if (job.error) throw new Error(`the clean-up job failed: ${job.error}`);
    const under = figures(result, job.ms / 1000);
    log(
      `  clean-up: ${fmt(job.deleted)} rows in ${fmt(job.ms / 1000, 1)} s; logins ${fmt(under.rps, 1)}/s, p99 ${under.p99} ms`,
    );
    await server.stop();
    return { idle, under, job, markSeconds, before, after: await countRows(database) };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function countRows(database) {
  const counts = {};
  for (const table of TABLES) {
    const [row] = await database.query(`SELECT COUNT(*) AS n FROM ${table}`);
    counts[table] = Number(row.n);
  }
  return counts;
}

async function runDatabase(kind, passwordHash) {
  const tmp = mkdtempSync(join(os.tmpdir(), `portcullis-scale-${kind}-`));
  const [empty, filled] =
    kind === 'sqlite'
      ? [sqliteDatabase(join(tmp, 'empty')), sqliteDatabase(join(tmp, 'filled'))]
      : [
          postgresDatabase('portcullis_scale_empty', join(tmp, 'empty')),
          postgresDatabase('portcullis_scale', join(tmp, 'filled')),
        ];
  const report = { kind, scales: [], fills: [] };
  const start = (database) =>
    startPortcullis(undefined, { ...SERVER_ENV, ...database.env }, { dataDir: database.dir });
  try {
    for (const database of [empty, filled]) await database.create();
    // The schema: one start of the server runs the migrations.
    for (const database of [empty, filled]) await (await start(database)).stop();
    const emptyServer = await start(empty);
    const emptyEmails = [];
    for (let i = 0; i < 20; i += 1) {
      emptyEmails.push(`empty-${i}@example.com`);
      await post(`${emptyServer.url}/auth/register`, { email: emptyEmails[i], password: PASSWORD });
    }
    await emptyServer.stop();

    let count = 0;
    for (const scale of SCALES) {
      log(`${kind}: filling ${fmt(count)} → ${fmt(scale)} users`);
      const started = Date.now();
      await filled.fill(count, scale, passwordHash);
      report.fills.push({ from: count, to: scale, seconds: (Date.now() - started) / 1000 });
      count = scale;
      if (!PHASES.has('routes')) continue;
      log(`${kind}: measuring at ${fmt(scale)} users (and on the empty database)`);
      const servers = [await start(empty), await start(filled)];
      try {
        report.scales.push({
          users: scale,
          results: await measure(
            `${kind} ${fmt(scale)}`,
            driven(servers[0], (i) => emptyEmails[i], emptyEmails.length),
            driven(servers[1], filledEmail, scale),
          ),
        });
      } finally {
        for (const server of servers) await server.stop();
      }
    }

    if (PHASES.has('sizes')) {
      log(
        `${kind}: table and index sizes at ${fmt(USERS)} users, with the migration's indexes and without`,
      );
      report.sizesAfter = await filled.sizes();
      await indexMigration(filled, 'down');
      report.sizesBefore = await filled.sizes();
      await indexMigration(filled, 'up');
    }

    if (PHASES.has('cleanup')) {
      log(`${kind}: the session clean-up job while logins run`);
      report.cleanup = await cleanupPhase(filled, USERS);
    }
  } finally {
    if (!KEEP) for (const database of [empty, filled]) await database.drop();
    if (!KEEP) rmSync(tmp, { recursive: true, force: true });
  }
  return report;
}

/* ---------------------------------------------------------------- report ---------------------------------------------------------------- */

const mib = (bytes) => fmt(bytes / 2 ** 20, 1);

function reportLines(r) {
  const name = r.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const lines = [`## ${name}`, ''];
  lines.push(
    `Fill: ${r.fills.map((f) => `${fmt(f.from)} → ${fmt(f.to)} users in ${fmt(f.seconds)} s (${fmt(((f.to - f.from) * ROWS_PER_USER) / f.seconds)} rows/s)`).join('; ')}.`,
    '',
  );
  for (const scale of r.scales) {
    lines.push(
      `### ${fmt(scale.users)} users (${fmt(scale.users * 3)} sessions, ${fmt(scale.users * 4)} refresh tokens)`,
      '',
      '| route | empty: req/s | p99 ms | filled: req/s | p99 ms | filled / empty | per round | flat? |',
      '|---|---:|---:|---:|---:|---:|---|---|',
    );
    for (const [route, runs] of Object.entries(scale.results)) {
      const e = pickMedian(runs.empty, (run) => run.rps);
      const f = pickMedian(runs.filled, (run) => run.rps);
      const ratio = f.rps / e.rps;
      const rounds = runs.filled.map((run, i) => fmt(run.rps / runs.empty[i].rps, 2)).join(', ');
      const failed = (list) => list.reduce((sum, run) => sum + run.failed, 0);
      const failures = [
        ['empty', failed(runs.empty), runs.empty],
        ['filled', failed(runs.filled), runs.filled],
      ]
        .filter(([, n]) => n > 0)
        .map(
          ([which, n, list]) =>
            `${fmt(n)} failed on the ${which} database (of ${fmt(list.reduce((sum, run) => sum + run.total, 0))}: ${list.map((run) => JSON.stringify(run.statuses)).join(' ')})`,
        );
      const verdict = ratio >= FLAT && failures.length === 0 ? 'PASS' : 'FAIL';
      lines.push(
        `| ${route} | ${fmt(e.rps, 1)} | ${e.p99} | ${fmt(f.rps, 1)} | ${f.p99} | ${fmt(ratio, 2)}x | ${rounds} | ${verdict}${failures.length ? `: ${failures.join('; ')}` : ''} |`,
      );
    }
    lines.push('');
  }
  if (r.sizesAfter) lines.push(...sizeLines(r));
  if (r.cleanup) lines.push(...cleanupLines(r.cleanup));
  return lines;
}

function sizeLines(r) {
  const lines = [];
  const byName = (sizes) => new Map(sizes.objects.map((o) => [o.name, o]));
  const before = byName(r.sizesBefore);
  const after = byName(r.sizesAfter);
  const names = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => {
    const table = (n) => (before.get(n) ?? after.get(n)).table;
    return TABLES.indexOf(table(a)) - TABLES.indexOf(table(b)) || a.localeCompare(b);
  });
  lines.push(
    `### Table and index sizes at ${fmt(USERS)} users`,
    '',
    'Before: the schema without the IndexesAtScale migration (its `down()`); after: with it. MiB.',
    '',
    '| table | object | before | after |',
    '|---|---|---:|---:|',
    ...names.map((n) => {
      const o = before.get(n) ?? after.get(n);
      const cell = (map) => (map.has(n) ? mib(map.get(n).bytes) : '—');
      return `| ${o.table} | ${n} | ${cell(before)} | ${cell(after)} |`;
    }),
  );
  for (const table of TABLES) {
    const sum = (sizes) =>
      sizes.objects.filter((o) => o.table === table).reduce((a, o) => a + o.bytes, 0);
    lines.push(
      `| ${table} | **table + indexes** | **${mib(sum(r.sizesBefore))}** | **${mib(sum(r.sizesAfter))}** |`,
    );
  }
  lines.push('');
  if (r.kind === 'sqlite') {
    lines.push(
      `Pages in use in the database file: ${mib(r.sizesBefore.used)} MiB before, ${mib(r.sizesAfter.used)} MiB after (file: ${mib(r.sizesAfter.file)} MiB; dropped indexes leave free pages until VACUUM).`,
      '',
    );
  } else {
    lines.push(
      `pg_total_relation_size: ${TABLES.map((t) => `${t} ${mib(r.sizesBefore.totals[t])} → ${mib(r.sizesAfter.totals[t])} MiB`).join(', ')}.`,
      '',
    );
  }
  return lines;
}

function cleanupLines(c) {
  const lines = [];
  const ratio = c.under.p99 / c.idle.p99;
  lines.push(
    '### The session clean-up job while logins run',
    '',
    `${fmt(USERS)} sessions marked ended more than a refresh lifetime ago (${fmt(c.markSeconds)} s), then the job run`,
    `in the server's process (bench/scale-server.js) while ${CLEANUP_CONNECTIONS} connections log in as random filled users.`,
    '',
    '| | logins/s | p50 ms | p99 ms |',
    '|---|---:|---:|---:|',
    `| idle (${DURATION * 3} s, just before) | ${fmt(c.idle.rps, 1)} | ${c.idle.p50} | ${c.idle.p99} |`,
    `| during the clean-up (${fmt(c.job.ms / 1000, 1)} s) | ${fmt(c.under.rps, 1)} | ${c.under.p50} | ${c.under.p99} |`,
    '',
    `p99 under the clean-up / idle: ${fmt(ratio, 2)}x: ${ratio <= 2 && c.under.failed + c.idle.failed === 0 ? 'PASS' : 'FAIL'} (within 2x; failed logins: ${c.idle.failed} idle, ${c.under.failed} during). The job deleted ${fmt(c.job.deleted)} rows`,
    `(sessions and stale refresh tokens; each session's tokens go by the foreign key's cascade), ${fmt(c.job.deleted / (c.job.ms / 1000))} a second;`,
    `rows before → after: ${TABLES.map((t) => `${t} ${fmt(c.before[t])} → ${fmt(c.after[t])}`).join(', ')}.`,
    '',
  );
  return lines;
}

async function main() {
  log('hashing the one password every filled user shares (argon2id, the server defaults)');
  const passwordHash = await argon2.hash(PASSWORD, {
    type: argon2.argon2id,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  });
  const started = Date.now();
  const reports = [];
  // Written after each database: a run that fails on the second still leaves the first one's figures.
  for (const kind of DATABASES) {
    reports.push(await runDatabase(kind, passwordHash));
    write(reports, started);
  }
}

function write(reports, started) {
  const cpu = os.cpus();
  const text = [
    '# Data at scale',
    '',
    `Produced by \`BENCH_SCALE_USERS=${USERS} BENCH_SCALE_DATABASES=${DATABASES.join(',')} npm run bench:scale\` (bench/scale.js) in ${fmt((Date.now() - started) / 60000)} min.`,
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, ${os.type()} ${os.release()}; load average at the end ${os
      .loadavg()
      .map((l) => fmt(l, 2))
      .join(', ')}`,
    `- Node ${process.version}; ${DURATION} s per run, ${ROUNDS} rounds alternating empty and filled; GET and refresh ${CONNECTIONS} connections, login and registration ${LOGIN_CONNECTIONS}, logout ${LOGOUTS} requests on ${CONNECTIONS} connections`,
    '',
    ...reports.flatMap(reportLines),
  ].join('\n');
  process.stdout.write(`${text}\n`);
  mkdirSync(RESULTS, { recursive: true });
  const stamped = join(
    RESULTS,
    `scale-${new Date(started).toISOString().replace(/[:.]/g, '-')}.md`,
  );
  writeFileSync(stamped, text);
  writeFileSync(join(RESULTS, 'scale-latest.md'), text);
  log(`written to ${stamped} and bench/results/scale-latest.md`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

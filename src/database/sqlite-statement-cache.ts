import sqlite3 from 'sqlite3';

/** Prepared statements kept per connection; beyond this the least recently used one is finalized. */
export const STATEMENT_CACHE_SIZE = 128;

/**
 * Which statements are kept: reads and writes, which SQLite ends (and commits, outside a transaction) when they
 * reach their last row; `run` steps once, so for `run` only writes that answer no rows (no RETURNING, which would
 * stay open holding its lock). Not an EXPLAIN: one left unreset after its last row still counts as running, and
 * SQLite commits the connection's next write only once no other statement runs, so that write would never commit.
 * Nor a PRAGMA or a transaction statement, which run once.
 */
const READ_OR_WRITE = /^\s*(SELECT|INSERT|UPDATE|DELETE)\b/i;
const WRITE = /^\s*(INSERT|UPDATE|DELETE)\b/i;
const RETURNS_ROWS = /\bRETURNING\b/i;
const keeps = (method: 'all' | 'run', sql: string) =>
  method === 'all' ? READ_OR_WRITE.test(sql) : WRITE.test(sql) && !RETURNS_ROWS.test(sql);

type Callback = (this: sqlite3.Statement, error: Error | null, ...results: unknown[]) => void;
const run = (statement: sqlite3.Statement, method: 'all' | 'run', args: unknown[]) =>
  (statement[method] as (...args: unknown[]) => unknown).apply(statement, args);

/** node-sqlite3's own constructor (its typings leave out the arguments): prepares `sql`, then calls back. */
const Statement = sqlite3.Statement as unknown as new (
  database: sqlite3.Database,
  sql: string,
  prepared: (error: Error | null) => void,
) => sqlite3.Statement;

type Call = (this: sqlite3.Database, sql: string, ...args: unknown[]) => sqlite3.Database;

/**
 * Makes a node-sqlite3 connection reuse its prepared statements in `all` and `run`, the two calls TypeORM makes.
 * node-sqlite3 prepares, runs and finalizes a new statement on every call: three turns through Node's I/O pool and
 * a SQL compilation each time; a kept statement runs in one turn. The answers are the same: each call resets the
 * statement and binds its own values (node-sqlite3 does both), and a kept statement holds no lock between calls
 * (see `keeps`; one that failed is reset at once). Calls on one statement take turns, as all statements of a
 * connection already do under SQLite's connection mutex.
 *
 * A statement is kept once SQLite has prepared it; one it refuses reports the error to its caller, as before.
 * `close` finalizes the kept statements first: SQLite does not close a connection with statements open. Answers
 * the queries whose statements are kept, least recently used first, for tests.
 */
export function cacheStatements(
  database: sqlite3.Database,
  size = STATEMENT_CACHE_SIZE,
): { kept(): string[] } {
  const kept = new Map<string, sqlite3.Statement>();
  let open = true;
  const finalize = (statement: sqlite3.Statement) => statement.finalize(() => undefined);

  const keep = (sql: string, statement: sqlite3.Statement) => {
    if (kept.size >= size) {
      const [oldest, statementOfOldest] = kept.entries().next().value as [
        string,
        sqlite3.Statement,
      ];
      kept.delete(oldest);
      // Calls already waiting on it run first.
      finalize(statementOfOldest);
    }
    kept.set(sql, statement);
  };

  const reusing = (method: 'all' | 'run', original: Call): Call =>
    function (sql, ...args) {
      const callback = args[args.length - 1];
      if (typeof callback !== 'function' || !keeps(method, sql)) {
        return original.call(this, sql, ...args);
      }
      const values = args.slice(0, -1);
      let statement = kept.get(sql);
      if (statement) {
        // Most recently used last: the first entry is the one to drop.
        kept.delete(sql);
        kept.set(sql, statement);
      } else {
        // The same statement prepared twice at once (two callers of a new query): the first one prepared is
        // kept, the other finalized after its call.
        const fresh: sqlite3.Statement = new Statement(database, sql, (error: Error | null) => {
          // A statement SQLite refuses to prepare finalizes itself and drops the calls waiting on it.
          if (error) (callback as Callback).call(fresh, error);
          else if (open && !kept.has(sql)) keep(sql, fresh);
        });
        statement = fresh;
      }
      const used = statement;
      run(used, method, [
        ...values,
        function (this: sqlite3.Statement, error: Error | null, ...results: unknown[]) {
          if (kept.get(sql) !== used) finalize(used);
          // A statement that failed may still hold what it took (SQLITE_BUSY leaves its read transaction open):
          // reset at once, not at its next call. Calls already waiting on it run first.
          else if (error) used.reset(() => undefined);
          (callback as Callback).call(this, error, ...results);
        },
      ]);
      return this;
    };

  const close = database.close.bind(database);
  database.all = reusing('all', database.all.bind(database) as Call) as typeof database.all;
  database.run = reusing('run', database.run.bind(database) as Call) as typeof database.run;
  database.close = (callback?: (error: Error | null) => void) => {
    // A statement prepared from now on is finalized after its call.
    open = false;
    for (const statement of kept.values()) finalize(statement);
    kept.clear();
    return close(callback);
  };
  return { kept: () => [...kept.keys()] };
}

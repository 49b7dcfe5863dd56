import { CannotExecuteNotConnectedError, QueryFailedError } from 'typeorm';

/** SQLite result codes that mean "the storage cannot take this now", not "this statement is wrong". */
const SQLITE_UNAVAILABLE = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_PROTOCOL',
  'SQLITE_NOMEM',
]);

/**
 * The primary result code of a SQLite error code: better-sqlite3 reports extended codes (`SQLITE_IOERR_WRITE`,
 * `SQLITE_READONLY_DBMOVED`, `SQLITE_CONSTRAINT_UNIQUE`), each a primary code with a detail after it.
 */
export const primarySqliteCode = (code: string): string =>
  code.replace(/^(SQLITE_[A-Z]+)_[A-Z_]+$/, '$1');

/** The driver's own error inside TypeORM's QueryFailedError, or the error itself. */
const driverCause = (error: unknown): unknown =>
  error instanceof QueryFailedError ? (error.driverError as unknown) : error;

/** The `code` of a driver error, duck-typed: errors made by native code need not share this realm's Error class. */
const codeOf = (cause: unknown): string => {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

/** SQLite's "database is locked" (SQLITE_BUSY and its extended codes), from better-sqlite3 or through TypeORM. */
export const isSqliteBusy = (error: unknown): boolean =>
  primarySqliteCode(codeOf(driverCause(error))) === 'SQLITE_BUSY';

/**
 * PostgreSQL SQLSTATE classes and codes of the same kind: 08 connection exception, 53 insufficient resources
 * (disk full, too many connections), 57P0x server shutting down or starting, 25006 read-only transaction
 * (a standby), 40001/40P01 serialization failure and deadlock (worth a retry).
 */
const PG_UNAVAILABLE = /^(08|53|57P0)|^(25006|40001|40P01)$/;

/** Socket-level failures on the way to the database server. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

const POOL_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Database is closed/i;

/**
 * Whether an error says the database is unavailable (locked, full, read-only, unreachable, shutting down) rather
 * than that a statement is wrong: the request gets `503 service_unavailable` with `Retry-After`, not a 500.
 */
export function isStorageUnavailable(error: unknown): boolean {
  if (error instanceof CannotExecuteNotConnectedError) return true;
  const cause = driverCause(error);
  if (typeof cause !== 'object' || cause === null) return false;
  const text = codeOf(cause);
  const { message } = cause as { message?: unknown };
  return (
    SQLITE_UNAVAILABLE.has(primarySqliteCode(text)) ||
    PG_UNAVAILABLE.test(text) ||
    NETWORK_CODES.has(text) ||
    (typeof message === 'string' && POOL_MESSAGES.test(message))
  );
}

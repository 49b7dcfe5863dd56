import type { DatabaseConfig } from '../config';
import { primarySqliteCode } from './storage-errors';

export interface ConnectionFailure {
  /** One line: what failed and what to do. */
  message: string;
  /** Worth trying again in a moment (the server may be starting, or the network recovering). */
  retry: boolean;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

/** Host, port, database and user of a PostgreSQL URL: never its password. */
function describeUrl(url: string): { where: string; database: string; user: string } {
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.slice(1)) || 'postgres';
    return {
      where: `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`,
      database,
      user: decodeURIComponent(parsed.username) || 'the default user',
    };
  } catch {
    return {
      where: 'the configured server',
      database: 'the configured database',
      user: 'the user',
    };
  }
}

/** Why the database could not be opened or migrated at start-up, in words an operator can act on. */
export function describeConnectionFailure(
  error: unknown,
  database: DatabaseConfig,
): ConnectionFailure {
  const code = primarySqliteCode((error as NodeJS.ErrnoException).code ?? '');
  const message = (error as { message?: unknown }).message;
  const detail = typeof message === 'string' ? message.split('\n', 1)[0] : String(error);
  if (database.kind === 'sqlite') {
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      return {
        message: `the SQLite file ${database.path} is locked by another process`,
        retry: true,
      };
    }
    if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_IOERR') {
      return {
        message: `the SQLite file ${database.path} cannot be written (${code}): check its permissions and the free space, or set DATABASE_URL`,
        retry: false,
      };
    }
    return {
      message: `the SQLite database ${database.path} failed to open: ${detail}`,
      retry: false,
    };
  }
  const { where, database: name, user } = describeUrl(database.url);
  if (code === '3D000') {
    return {
      message: `the PostgreSQL database "${name}" does not exist on ${where}: create it (createdb ${name}) or fix DATABASE_URL`,
      retry: false,
    };
  }
  if (code === '28P01' || code === '28000') {
    return {
      message: `PostgreSQL on ${where} refused the credentials of ${user}: fix DATABASE_URL`,
      retry: false,
    };
  }
  if (UNREACHABLE.has(code) || code === '57P03' || /timeout/i.test(detail)) {
    return {
      message: `PostgreSQL on ${where} is unreachable (${code || detail}): start it, or fix DATABASE_URL`,
      retry: true,
    };
  }
  return { message: `PostgreSQL on ${where} failed: ${detail}`, retry: false };
}

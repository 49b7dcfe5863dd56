import { QueryFailedError } from 'typeorm';
import { primarySqliteCode } from './storage-errors';

/** True when a statement failed on a unique index (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; message?: string };
  return (
    driverError.code === '23505' ||
    (primarySqliteCode(driverError.code ?? '') === 'SQLITE_CONSTRAINT' &&
      /UNIQUE/i.test(driverError.message ?? ''))
  );
}

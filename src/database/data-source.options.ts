import sqlite3 from 'sqlite3';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config';
import { MIGRATIONS } from './migrations';
import { cacheStatements } from './sqlite-statement-cache';

/**
 * How long a SQLite write waits for a lock (or for its turn, see TransactionRunner) before it fails with 503 and
 * Retry-After, rather than holding the request.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 2000;

/** A connection whose prepared statements are kept (see cacheStatements). */
function Database(...args: ConstructorParameters<typeof sqlite3.Database>): sqlite3.Database {
  const database = new sqlite3.Database(...args);
  cacheStatements(database);
  return database;
}

/**
 * The sqlite3 module TypeORM is given: its connections keep their prepared statements. TypeORM always calls
 * sqlite3.verbose(), which wraps every statement to record a long stack trace (measured at about 5% of the CPU time
 * of a read-heavy load); here that answers this module itself.
 */
const sqliteDriver: typeof sqlite3 = Object.create(sqlite3, {
  verbose: { value: () => sqliteDriver },
  Database: { value: Database },
}) as typeof sqlite3;

/**
 * The one definition of the database options, used by the application and by the TypeORM CLI (ormconfig.ts).
 * Schema changes only happen through migrations. The entities are not named here: each feature module registers its
 * own (TypeOrmModule.forFeature, collected by autoLoadEntities); the CLI passes a glob.
 */
export function buildDataSourceOptions(
  database: DatabaseConfig,
  entities: DataSourceOptions['entities'] = [],
): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    // A null or undefined in a where clause is a bug: TypeORM would otherwise drop the condition and match any row.
    invalidWhereValuesBehavior: { null: 'throw', undefined: 'throw' },
  } as const;
  if (database.kind === 'sqlite') {
    return {
      ...common,
      type: 'sqlite',
      driver: sqliteDriver,
      database: database.path,
      enableWAL: database.path !== ':memory:',
      busyTimeout: SQLITE_BUSY_TIMEOUT_MS,
    };
  }
  // A lost server fails a request after 5 s (503), rather than making it wait for a connection forever.
  return {
    ...common,
    type: 'postgres',
    url: database.url,
    extra: { max: 10, connectionTimeoutMillis: 5000 },
  };
}

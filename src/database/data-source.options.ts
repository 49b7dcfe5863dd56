import type { DataSourceOptions } from 'typeorm';
import type { BetterSqlite3ConnectionOptions } from 'typeorm/driver/better-sqlite3/BetterSqlite3ConnectionOptions';
import type { DatabaseConfig } from '../config';
import { MIGRATIONS } from './migrations';

/**
 * How long a SQLite write waits for a lock (or for its turn, see TransactionRunner) before it fails with 503 and
 * Retry-After, rather than holding the request.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 2000;

/** Prepared statements each SQLite connection keeps, the least recently prepared dropped first. */
export const SQLITE_STATEMENT_CACHE_SIZE = 128;

/** Whether these are the options of a SQLite database (the embedded default), as opposed to PostgreSQL. */
export const isSqlite = (options: DataSourceOptions): options is BetterSqlite3ConnectionOptions =>
  options.type === 'better-sqlite3';

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
      // better-sqlite3 runs each statement on the calling thread, and keeps its prepared statements: a statement
      // costs no trip through Node's I/O pool, and no compilation after its first call. The server lets it wait
      // for a lock only asynchronously (see TransactionRunner); the busy timeout here covers start-up and the CLI.
      type: 'better-sqlite3',
      database: database.path,
      enableWAL: database.path !== ':memory:',
      timeout: SQLITE_BUSY_TIMEOUT_MS,
      statementCacheSize: SQLITE_STATEMENT_CACHE_SIZE,
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

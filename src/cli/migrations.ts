import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, MigrationExecutor, type MigrationInterface } from 'typeorm';
import { StartupError } from '../common/errors/startup.error';
import type { DatabaseConfig } from '../config';
import { describeConnectionFailure } from '../database/connection-errors';
import { buildDataSourceOptions } from '../database/data-source.options';
import { MIGRATIONS } from '../database/migrations';

/** Every migration this build knows, oldest first, by class name (the name TypeORM records). */
export const KNOWN_MIGRATIONS: readonly string[] = MIGRATIONS.map(
  (migration) => (new migration() as MigrationInterface).name ?? migration.name,
);

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Recorded in the database but unknown to this build: the database was migrated by a newer version. */
  unknown: string[];
}

/** A SQLite database that has never been opened: nothing is applied, and nothing should be created to say so. */
export const sqliteFileMissing = (database: DatabaseConfig): boolean =>
  database.kind === 'sqlite' && database.path !== ':memory:' && !existsSync(database.path);

/**
 * The database with the application's own options (buildDataSourceOptions, as the server and ormconfig.ts use) but
 * without `migrationsRun`: the migrate command decides what runs. A failure is one line that says what to do.
 */
export async function openDatabase(database: DatabaseConfig): Promise<DataSource> {
  if (database.kind === 'sqlite' && database.path !== ':memory:') {
    mkdirSync(dirname(database.path), { recursive: true });
  }
  const dataSource = new DataSource(buildDataSourceOptions(database));
  try {
    await dataSource.initialize();
    return dataSource;
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    throw new StartupError(describeConnectionFailure(error, database).message);
  }
}

export async function migrationStatus(dataSource: DataSource): Promise<MigrationStatus> {
  const executed = await new MigrationExecutor(dataSource).getExecutedMigrations();
  const recorded = new Set(executed.map((migration) => migration.name));
  return {
    applied: KNOWN_MIGRATIONS.filter((name) => recorded.has(name)),
    pending: KNOWN_MIGRATIONS.filter((name) => !recorded.has(name)),
    unknown: [...recorded].filter((name) => !KNOWN_MIGRATIONS.includes(name)),
  };
}

/** The migration `migrate revert` would undo: the one recorded last. */
export async function lastApplied(dataSource: DataSource): Promise<string | undefined> {
  const executed = await new MigrationExecutor(dataSource).getExecutedMigrations();
  return [...executed].sort((a, b) => (b.id ?? 0) - (a.id ?? 0))[0]?.name;
}

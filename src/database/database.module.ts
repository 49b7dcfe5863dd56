import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { StartupError } from '../common/errors/startup.error';
import { AppConfigService, type DatabaseConfig } from '../config';
import { describeConnectionFailure } from './connection-errors';
import { buildDataSourceOptions, isSqlite } from './data-source.options';
import { JobLease } from './job-lease.entity';
import { JobLeases } from './job-leases';
import { bindNumbers } from './sqlite-number-binding';
import { TransactionRunner } from './transaction-runner';

/** Attempts to open the database at start-up, a second apart, when the failure may pass (a server starting). */
export const CONNECT_ATTEMPTS = 3;

/** The PostgreSQL advisory lock that lets one instance at a time run the migrations ("PCMIGRAT"). */
export const MIGRATIONS_LOCK = 0x50434d49;

/**
 * Runs the pending migrations in one transaction. On PostgreSQL, instances starting at once (a deployment of
 * several) take turns through an advisory lock: the first migrates, the others then find nothing to do.
 */
async function runMigrations(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await dataSource.runMigrations({ transaction: 'all' });
    return;
  }
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK]);
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK]).catch(() => undefined);
    await lock.release();
  }
}

/** Opens the database and runs the migrations; a failure becomes one line that says what to do. */
async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  const logger = new Logger('Database');
  const database: DatabaseConfig = isSqlite(options)
    ? { kind: 'sqlite', url: `sqlite:${options.database}`, path: options.database }
    : { kind: 'postgres', url: (options as { url: string }).url };
  for (let attempt = 1; ; attempt += 1) {
    const dataSource = new DataSource(options);
    bindNumbers(dataSource);
    try {
      await dataSource.initialize();
      await runMigrations(dataSource);
      if (isSqlite(dataSource.options)) {
        // With WAL, NORMAL syncs at checkpoints rather than at every commit: a crash of the process loses
        // nothing, a power cut can lose the last commits. Every write costs about a millisecond less.
        await dataSource.query('PRAGMA synchronous = NORMAL');
      }
      return dataSource;
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
      const failure = describeConnectionFailure(error, database);
      if (!failure.retry || attempt >= CONNECT_ATTEMPTS) throw new StartupError(failure.message);
      logger.warn(`${failure.message}; trying again in 1 s (${attempt}/${CONNECT_ATTEMPTS})`);
      await sleep(1000);
    }
  }
}

/**
 * The TypeORM root connection, with the entities the feature modules register; migrations run before the
 * application accepts requests. Global: every module may run a transaction (TransactionRunner) or take a job
 * lease (JobLeases).
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => {
        const database = config.section('database');
        if (database.kind === 'sqlite' && database.path !== ':memory:') {
          mkdirSync(dirname(database.path), { recursive: true });
        }
        return {
          ...buildDataSourceOptions(database),
          autoLoadEntities: true,
          // Run by openDatabase, under a lock on PostgreSQL.
          migrationsRun: false,
          // Retries are openDatabase's: bounded, one line each.
          toRetry: () => false,
        };
      },
      dataSourceFactory: (options) => openDatabase(options as DataSourceOptions),
    }),
    TypeOrmModule.forFeature([JobLease]),
  ],
  providers: [TransactionRunner, JobLeases],
  exports: [TransactionRunner, JobLeases],
})
export class DatabaseModule {}

import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ConcurrencyLimiter } from '../common/concurrency-limiter';

/**
 * Runs work in one database transaction: all of it is stored, or none. On PostgreSQL each transaction takes a
 * connection of the pool. On SQLite, TypeORM runs every statement on one shared connection, where a transaction
 * would take in other requests' statements too (and roll them back with it); so transactions run on a second
 * connection to the same file, one at a time (SQLite has one writer anyway), and stay isolated from the
 * statements of the main connection.
 */
@Injectable()
export class TransactionRunner implements OnModuleInit, OnApplicationShutdown {
  private writer?: DataSource;
  private readonly oneAtATime = new ConcurrencyLimiter(1);

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const options = this.dataSource.options;
    if (options.type !== 'sqlite' || options.database === ':memory:') return;
    this.writer = await new DataSource({ ...options, migrationsRun: false }).initialize();
    await this.writer.query('PRAGMA synchronous = NORMAL');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.writer?.isInitialized) await this.writer.destroy();
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type !== 'sqlite') return this.dataSource.transaction(work);
    const connection = this.writer ?? this.dataSource;
    return this.oneAtATime.run(() => connection.transaction(work));
  }
}

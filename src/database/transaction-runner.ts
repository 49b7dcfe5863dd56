import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { ConcurrencyLimiter } from '../common/concurrency-limiter';

/** Statements that only read: they never wait for SQLite's write lock (WAL), so they need no turn. */
const READ_ONLY = /^\s*SELECT\b/i;

/** Thrown when code inside a transaction writes outside it: it would wait for the transaction forever. */
export class WriteOutsideTransactionError extends Error {
  constructor() {
    super(
      'a statement written outside the transaction that is running: pass its EntityManager to the repository',
    );
    this.name = 'WriteOutsideTransactionError';
  }
}

/**
 * Runs work in one database transaction: all of it is stored, or none. On PostgreSQL each transaction takes a
 * connection of the pool.
 *
 * On SQLite, TypeORM runs every statement on one shared connection, where a transaction would take in other
 * requests' statements too (and roll them back with it); so transactions run on a second connection to the same
 * file, and stay isolated from the statements of the main connection. SQLite has one writer, and a connection
 * waiting for the write lock holds a thread of Node's small I/O pool while it waits: four writes of the main
 * connection waiting behind a transaction left no thread for that transaction's COMMIT, and everything stalled
 * until the busy timeout failed them (503). So the process takes turns itself: a transaction, or one writing
 * statement of the main connection, at a time; reads go straight through. SQLite then never has to wait for a
 * lock held by this process, and `BEGIN IMMEDIATE` makes a transaction wait its turn (busy timeout) behind another
 * process, such as the CLI, instead of failing when it first writes.
 */
@Injectable()
export class TransactionRunner implements OnModuleInit, OnApplicationShutdown {
  private writer?: DataSource;
  private readonly oneWriterAtATime = new ConcurrencyLimiter(1);
  /** Set inside a transaction's work, to catch a write on the main connection that would wait for it forever. */
  private readonly insideTransaction = new AsyncLocalStorage<true>();

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const options = this.dataSource.options;
    if (options.type !== 'sqlite' || options.database === ':memory:') return;
    this.writer = await new DataSource({ ...options, migrationsRun: false }).initialize();
    await this.writer.query('PRAGMA synchronous = NORMAL');
    // TypeORM's SQLite driver has one query runner per connection, used by every repository and query builder.
    this.takeTurns(this.dataSource.createQueryRunner(), (sql) => !READ_ONLY.test(sql));
    this.takeTurns(
      this.writer.createQueryRunner(),
      (sql) => sql === 'BEGIN TRANSACTION',
      'immediate',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.writer?.isInitialized) await this.writer.destroy();
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.dataSource.options.type !== 'sqlite') return this.dataSource.transaction(work);
    const writer = this.writer;
    if (!writer) return this.oneWriterAtATime.run(() => this.dataSource.transaction(work));
    return this.oneWriterAtATime.run(() =>
      this.insideTransaction.run(true, () => writer.transaction(work)),
    );
  }

  /**
   * Routes the runner's statements that `needsTurn` through the one-writer queue (the main connection), or makes
   * its transactions start with BEGIN IMMEDIATE (the transaction connection, whose turn `run` already holds).
   */
  private takeTurns(
    runner: QueryRunner,
    needsTurn: (sql: string) => boolean,
    mode: 'queue' | 'immediate' = 'queue',
  ): void {
    const query = runner.query.bind(runner) as (
      sql: string,
      ...rest: unknown[]
    ) => Promise<unknown>;
    const patched = (sql: string, ...rest: unknown[]): Promise<unknown> => {
      if (!needsTurn(sql)) return query(sql, ...rest);
      if (mode === 'immediate') return query('BEGIN IMMEDIATE TRANSACTION', ...rest);
      if (this.insideTransaction.getStore()) {
        return Promise.reject(new WriteOutsideTransactionError());
      }
      return this.oneWriterAtATime.run(() => query(sql, ...rest));
    };
    runner.query = patched as QueryRunner['query'];
  }
}

import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { ConcurrencyLimiter, WaitTimeoutError } from '../common/concurrency-limiter';
import { isSqlite, SQLITE_BUSY_TIMEOUT_MS } from './data-source.options';
import { bindNumbers } from './sqlite-number-binding';
import { isSqliteBusy } from './storage-errors';
import { WAL_RESTART_FRAMES, WalCheckpointer } from './wal-checkpointer';

/** Statements that only read: they never wait for SQLite's write lock (WAL), so they need no turn. */
const READ_ONLY = /^\s*SELECT\b/i;
const BEGIN = 'BEGIN TRANSACTION';
/** The longest pause between two attempts at a statement that found the database locked by another process. */
const MAX_BUSY_PAUSE_MS = 50;
/** The size the write-ahead log file is cut back to when it starts over. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Thrown when a write waited longer than SQLite's busy timeout for its turn: the same answer (503, retry) as a
 * database locked by another process. It is also what code inside a transaction gets if it writes outside it (on
 * the main connection), since that write waits for the transaction that waits for it.
 */
export class WriteTurnTimeoutError extends Error {
  /** Read by isStorageUnavailable, as SQLite's own error would be. */
  readonly code = 'SQLITE_BUSY';

  constructor(waitedMs: number) {
    super(
      `a write waited ${waitedMs} ms for its turn at the database; if it runs inside a transaction, pass the transaction's EntityManager to the repository`,
    );
    this.name = 'WriteTurnTimeoutError';
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
 * lock held by this process, and `BEGIN IMMEDIATE` makes a transaction wait its turn behind another process, such
 * as the CLI, instead of failing when it first writes. A turn, too, is waited for at most the busy timeout.
 *
 * SQLite statements run on the event loop's thread (better-sqlite3), so SQLite's own busy wait would stop every
 * request while another process holds the lock. The connections are therefore told not to wait (busy timeout 0),
 * and a statement refused as busy is tried again after a pause that does not block (1 ms, doubling up to 50 ms),
 * until the busy timeout has passed. Only a statement that changed nothing is tried again: one outside a
 * transaction, or the BEGIN that starts one.
 */
@Injectable()
export class TransactionRunner implements OnModuleInit, OnApplicationShutdown {
  private writer?: DataSource;
  private checkpointer?: WalCheckpointer;
  private readonly oneWriterAtATime = new ConcurrencyLimiter(1);

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const options = this.dataSource.options;
    if (!isSqlite(options) || options.database === ':memory:') return;
    const writer = new DataSource({ ...options, migrationsRun: false });
    bindNumbers(writer);
    this.writer = await writer.initialize();
    await this.writer.query('PRAGMA synchronous = NORMAL');
    for (const connection of [this.dataSource, this.writer]) {
      await connection.query('PRAGMA busy_timeout = 0');
      // Checkpoints run on a thread of their own (WalCheckpointer), never inside a commit on this one; a log that
      // grew long meanwhile (a long read held it) is cut back to 64 MB when it starts over.
      await connection.query('PRAGMA wal_autocheckpoint = 0');
      await connection.query(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    }
    this.checkpointer = new WalCheckpointer(options.database, () => this.checkpointOnCommit());
    // TypeORM's SQLite driver has one query runner per connection, used by every repository and query builder.
    this.queueWrites(this.dataSource.createQueryRunner());
    this.beginImmediate(this.writer.createQueryRunner());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.writer?.isInitialized) await this.writer.destroy();
  }

  /** Without the checkpoint thread, SQLite's own checkpoints on commit (its default threshold) keep the log short. */
  private checkpointOnCommit(): void {
    for (const connection of [this.dataSource, this.writer]) {
      if (!connection?.isInitialized) continue;
      const { databaseConnection } = connection.driver as unknown as SqliteDriverState;
      databaseConnection.pragma(`wal_autocheckpoint = ${WAL_RESTART_FRAMES}`);
    }
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!isSqlite(this.dataSource.options)) return this.dataSource.transaction(work);
    const writer = this.writer ?? this.dataSource;
    return this.inTurn(async () => {
      try {
        return await writer.transaction(work);
      } finally {
        endLeftoverTransaction(writer);
      }
    });
  }

  private async inTurn<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await this.oneWriterAtATime.run(write, SQLITE_BUSY_TIMEOUT_MS);
    } catch (error) {
      if (error instanceof WaitTimeoutError) throw new WriteTurnTimeoutError(error.waitedMs);
      throw error;
    }
  }

  /** The main connection: each statement that writes waits for its turn. */
  private queueWrites(runner: QueryRunner): void {
    const query = this.whileBusy(runner);
    runner.query = ((sql: string, ...rest: unknown[]) =>
      READ_ONLY.test(sql)
        ? query(sql, ...rest)
        : this.inTurn(() => query(sql, ...rest))) as QueryRunner['query'];
  }

  /** The transaction connection (whose turn `run` already holds): transactions take the write lock at BEGIN. */
  private beginImmediate(runner: QueryRunner): void {
    const query = this.whileBusy(runner);
    runner.query = ((sql: string, ...rest: unknown[]) =>
      query(sql === BEGIN ? 'BEGIN IMMEDIATE TRANSACTION' : sql, ...rest)) as QueryRunner['query'];
  }

  /** The runner's own `query`, trying a statement again while another process holds the database (see above). */
  private whileBusy(runner: QueryRunner): QueryFunction {
    const query = runner.query.bind(runner) as QueryFunction;
    return async (sql, ...rest) => {
      const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
      const retriable = !runner.isTransactionActive || /^BEGIN\b/.test(sql);
      for (let pause = 1; ; pause = Math.min(pause * 2, MAX_BUSY_PAUSE_MS)) {
        try {
          const result = await query(sql, ...rest);
          // A write takes its turn of the event loop: requests that arrived meanwhile are read before the next one.
          if (!READ_ONLY.test(sql)) await yieldToEventLoop();
          return result;
        } catch (error) {
          if (!retriable || !isSqliteBusy(error) || Date.now() + pause > deadline) throw error;
          await sleep(pause);
        }
      }
    };
  }
}

type QueryFunction = (sql: string, ...rest: unknown[]) => Promise<unknown>;

/** What TypeORM's SQLite driver and its one query runner hold: the better-sqlite3 connection, TypeORM's count. */
interface SqliteDriverState {
  databaseConnection: {
    inTransaction: boolean;
    exec(sql: string): unknown;
    pragma(source: string): unknown;
  };
}
interface QueryRunnerState {
  isTransactionActive: boolean;
  transactionDepth: number;
}

/**
 * SQLite ends a transaction by itself on some failures (a full disk, an I/O error). TypeORM then still counts it as
 * open, since its ROLLBACK fails, and starts its next transaction with a SAVEPOINT instead of BEGIN IMMEDIATE;
 * should that one fail, it rolls back to its savepoint only, and leaves open a transaction that nothing ever
 * commits: every later write of the connection is lost, and the write lock is never given back. So once a
 * transaction has settled, the connection and TypeORM's count are both brought back to "no transaction".
 */
function endLeftoverTransaction(source: DataSource): void {
  const { databaseConnection } = source.driver as unknown as SqliteDriverState;
  // TypeORM's SQLite driver has one query runner per connection: this is the one the transaction ran on.
  const runner = source.createQueryRunner() as unknown as QueryRunnerState;
  try {
    if (databaseConnection.inTransaction) databaseConnection.exec('ROLLBACK');
  } finally {
    runner.isTransactionActive = false;
    runner.transactionDepth = 0;
  }
}

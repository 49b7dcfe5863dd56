import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { primarySqliteCode } from './storage-errors';

const WORKER_SCRIPT = join(__dirname, 'wal-checkpoint-worker.js');

/** How often the log is checkpointed; under a login storm SQLite's own 1000-page threshold is crossed about as often. */
export const WAL_CHECKPOINT_INTERVAL_MS = 1000;

/** What the thread says after each checkpoint: nothing, or what went wrong. */
interface Reply {
  error?: { code: string; message: string };
}

/**
 * Checkpoints the write-ahead log of a SQLite file on a worker thread, so that the server's own connections run
 * with SQLite's automatic checkpoints turned off (`wal_autocheckpoint = 0`). With them on, the commit that takes
 * the log past 1000 pages copies them into the database file and syncs it, on the event loop's thread
 * (better-sqlite3 runs statements there): a pause of up to tens of milliseconds for every request in flight, about
 * once a second under a login storm. Should the thread stop, `onStopped` turns SQLite's own checkpoints back on.
 */
export class WalCheckpointer {
  private readonly logger = new Logger('Database');
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private running = true;
  private failing = false;

  constructor(path: string, onStopped: () => void) {
    this.worker = new Worker(WORKER_SCRIPT, {
      workerData: { path, intervalMs: WAL_CHECKPOINT_INTERVAL_MS },
    });
    // It never keeps the process alive by itself; the database's shutdown stops it.
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.received(reply));
    this.worker.on('error', (error) =>
      this.logger.warn(
        `the WAL checkpoint thread stopped (${error.message}); SQLite checkpoints on commit again`,
      ),
    );
    this.exited = new Promise((done) => {
      this.worker.once('exit', () => {
        if (this.running) onStopped();
        this.running = false;
        done();
      });
    });
  }

  /** Ends the thread (its last checkpoint, if one is running, completes first). */
  async stop(): Promise<void> {
    if (this.running) {
      this.running = false;
      // Waited for: the process must not end meanwhile with nothing else left to keep it running.
      this.worker.ref();
      this.worker.postMessage('stop');
    }
    await this.exited;
  }

  private received(reply: Reply): void {
    if (!reply.error) {
      this.failing = false;
      return;
    }
    // Another process checkpointing at that moment (the CLI, say) is no failure.
    if (primarySqliteCode(reply.error.code) === 'SQLITE_BUSY') return;
    // Once per run of failures: the log grows until a checkpoint succeeds again.
    if (!this.failing) {
      this.logger.warn(
        `a WAL checkpoint failed (${reply.error.code}: ${reply.error.message}); trying again every second`,
      );
    }
    this.failing = true;
  }
}

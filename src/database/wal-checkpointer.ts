import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';

const WORKER_SCRIPT = join(__dirname, 'wal-checkpoint-worker.js');

/** How often the thread checkpoints. */
export const WAL_CHECKPOINT_INTERVAL_MS = 500;
/** Pages in the log from which the thread makes sure the log starts over (SQLite's own threshold, about 4 MB). */
export const WAL_RESTART_FRAMES = 1000;
/** The longest the thread holds the write lock waiting for the server's readers, or waits for the lock. */
const RESTART_WAIT_MS = 100;
/** A log this long that could not be copied is worth an operator's look (about 40 MB). */
const BACKLOG_WARNING_FRAMES = 10 * WAL_RESTART_FRAMES;

/** What the thread says after each round: the pages in the log, or what went wrong. */
interface Report {
  frames?: number;
  behind?: boolean;
  error?: { code: string; message: string };
}

/**
 * Checkpoints the write-ahead log of a SQLite file on a worker thread (wal-checkpoint-worker.js), so that the
 * server's own connections run with SQLite's automatic checkpoints turned off (`wal_autocheckpoint = 0`). With them
 * on, the commit that takes the log past 1000 pages copies them into the database file and syncs it, on the event
 * loop's thread (better-sqlite3 runs statements there): a pause of up to tens of milliseconds for every request in
 * flight, about once a second under a login storm. Should the thread stop, `onStopped` turns SQLite's own
 * checkpoints back on.
 */
export class WalCheckpointer {
  private readonly logger = new Logger('Database');
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private running = true;
  /** Whether the last round's trouble has been logged already: one line per run of failed rounds. */
  private troubled = false;

  constructor(path: string, onStopped: () => void) {
    this.worker = new Worker(WORKER_SCRIPT, {
      workerData: {
        path,
        intervalMs: WAL_CHECKPOINT_INTERVAL_MS,
        restartFrames: WAL_RESTART_FRAMES,
        restartWaitMs: RESTART_WAIT_MS,
      },
    });
    this.worker.on('message', (report: Report) => this.received(report));
    let failure: string | undefined;
    this.worker.on('error', (error) => (failure = error.message));
    this.exited = new Promise((done) => {
      this.worker.once('exit', (code) => {
        try {
          if (this.running) {
            this.logger.warn(
              `the WAL checkpoint thread stopped (${failure ?? `exit code ${code}`}); SQLite checkpoints on commit again`,
            );
            onStopped();
          }
        } catch {
          // The connections are closed already: nothing is left to checkpoint.
        } finally {
          this.running = false;
          done();
        }
      });
    });
    // It never keeps the process alive by itself; the database's shutdown stops it. (After the listeners: adding
    // a 'message' listener refers the thread again.)
    this.worker.unref();
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

  private received({ frames = 0, behind = false, error }: Report): void {
    const trouble = error
      ? `a WAL checkpoint failed (${error.code}: ${error.message})`
      : behind && frames >= BACKLOG_WARNING_FRAMES
        ? `the write-ahead log holds ${frames} pages that could not all be copied into the database file (a long read, such as a backup, keeps them)`
        : undefined;
    if (trouble && !this.troubled) this.logger.warn(`${trouble}; trying again every 0.5 s`);
    this.troubled = trouble !== undefined;
  }
}

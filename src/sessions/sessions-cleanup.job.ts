import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { JobLeases } from '../database/job-leases';
import { SessionsService } from './sessions.service';

const EVERY_MS = 10 * 60_000;
/**
 * Rows per statement. Small, because on SQLite every request's statements wait behind the statement running on the
 * one connection: at a million users a batch of 1000 sessions (with the cascade to their refresh tokens) took about
 * a third of a second, and logins during a backlog of a million ended sessions waited seconds.
 */
const BATCH = 100;

/** After each batch the job waits as long as the batch took: it never has the database more than half the time. */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Deletes, in batches, sessions that ended and refresh tokens that can no longer matter (every refresh adds a
 * row: without this the table only grows), on one instance at a time, leaving the database to requests between
 * batches.
 */
@Injectable()
export class SessionsCleanupJob {
  private readonly logger = new Logger(SessionsCleanupJob.name);
  /** A run still going when the next is due (a paced backlog can outlast the interval) is not joined by another. */
  private running = false;

  constructor(
    private readonly sessions: SessionsService,
    private readonly leases: JobLeases,
  ) {}

  @Interval(EVERY_MS)
  async run(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      return await this.runOnce();
    } finally {
      this.running = false;
    }
  }

  private async runOnce(): Promise<number> {
    if (!(await this.leases.acquire('sessions-cleanup', EVERY_MS / 2000))) return 0;
    let sessions = 0;
    for (let deleted = BATCH; deleted === BATCH; sessions += deleted) {
      deleted = await this.paced(() => this.sessions.purgeEndedSessions(BATCH));
    }
    let tokens = 0;
    for (let after: number | null = 0; after !== null;) {
      const step = await this.paced(() => this.sessions.purgeStaleTokens(BATCH, after ?? 0));
      tokens += step.deleted;
      after = step.next;
    }
    if (sessions + tokens > 0) {
      this.logger.log(`deleted ${sessions} ended sessions and ${tokens} stale refresh tokens`);
    }
    return sessions + tokens;
  }

  private async paced<T>(batch: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await batch();
    await pause(performance.now() - started);
    return result;
  }
}

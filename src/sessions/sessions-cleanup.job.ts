import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { JobLeases } from '../database/job-leases';
import { SessionsService } from './sessions.service';

const EVERY_MS = 10 * 60_000;
const LEASE = 'sessions-cleanup';
/** The lease outlives a run's first half of the interval; a longer run (a backlog) renews it every minute. */
const LEASE_SECONDS = EVERY_MS / 2000;
const RENEW_EVERY_MS = 60_000;
/**
 * Rows per statement. Small, because on SQLite every request's statements wait behind the statement running on the
 * one connection: at a million users a batch of 1000 sessions (with the cascade to their refresh tokens) took about
 * a third of a second, and logins during a backlog of a million ended sessions waited seconds.
 */
const BATCH = 100;
/**
 * After each batch the job waits three times as long as the batch took: it has the database a quarter of the time
 * at most. With an equal pause (half the time) the deletes of a million-session backlog on PostgreSQL took the CPU
 * that sign-ins hash passwords with, and login p99 quadrupled; a backlog is never urgent.
 */
const PAUSE_FACTOR = 3;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

@Injectable()
export class SessionsCleanupJob {
  private readonly logger = new Logger(SessionsCleanupJob.name);
  /** A run still going when the next is due (a paced backlog can outlast the interval) is not joined by another. */
  private running = false;

  /** Whether this instance holds the lease, and when it last took or renewed it (clock ms). */
  private holdsLease = false;
  private leaseTakenAt = 0;

  constructor(
    private readonly sessions: SessionsService,
    private readonly leases: JobLeases,
    private readonly clock: Clock,
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
    if (!(await this.takeLease())) return 0;
    let sessions = 0;
    for (let deleted = BATCH; deleted === BATCH && (await this.keepLease()); sessions += deleted) {
      deleted = await this.paced(() => this.sessions.purgeEndedSessions(BATCH));
    }
    let tokens = 0;
    for (let after: number | null = 0; after !== null && (await this.keepLease());) {
      const step = await this.paced(() => this.sessions.purgeStaleTokens(BATCH, after ?? 0));
      tokens += step.deleted;
      after = step.next;
    }
    if (sessions + tokens > 0) {
      this.logger.log(`deleted ${sessions} ended sessions and ${tokens} stale refresh tokens`);
    }
    return sessions + tokens;
  }

  private async takeLease(): Promise<boolean> {
    const now = this.clock.now();
    this.holdsLease = await this.leases.acquire(LEASE, LEASE_SECONDS);
    if (this.holdsLease) this.leaseTakenAt = now;
    return this.holdsLease;
  }

  /** True while this instance may go on: it renews the lease once a minute, and stops once another took it. */
  private async keepLease(): Promise<boolean> {
    if (!this.holdsLease) return false;
    if (this.clock.now() - this.leaseTakenAt < RENEW_EVERY_MS) return true;
    return this.takeLease();
  }

  private async paced<T>(batch: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await batch();
    await pause(PAUSE_FACTOR * (performance.now() - started));
    return result;
  }
}

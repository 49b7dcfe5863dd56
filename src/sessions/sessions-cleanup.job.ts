import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { JobLeases } from '../database/job-leases';
import { SessionsService } from './sessions.service';

const EVERY_MS = 10 * 60_000;
const BATCH = 1000;

/**
 * Deletes, in batches, sessions that ended and refresh tokens that can no longer matter (every refresh adds a
 * row: without this the table only grows), on one instance at a time.
 */
@Injectable()
export class SessionsCleanupJob {
  private readonly logger = new Logger(SessionsCleanupJob.name);

  constructor(
    private readonly sessions: SessionsService,
    private readonly leases: JobLeases,
  ) {}

  @Interval(EVERY_MS)
  async run(): Promise<number> {
    if (!(await this.leases.acquire('sessions-cleanup', EVERY_MS / 2000))) return 0;
    let sessions = 0;
    for (let deleted = BATCH; deleted === BATCH; sessions += deleted) {
      deleted = await this.sessions.purgeEndedSessions(BATCH);
    }
    let tokens = 0;
    for (let after: number | null = 0; after !== null;) {
      const step = await this.sessions.purgeStaleTokens(BATCH, after);
      tokens += step.deleted;
      after = step.next;
    }
    if (sessions + tokens > 0) {
      this.logger.log(`deleted ${sessions} ended sessions and ${tokens} stale refresh tokens`);
    }
    return sessions + tokens;
  }
}

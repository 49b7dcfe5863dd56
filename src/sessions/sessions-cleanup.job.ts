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
    let total = 0;
    for (let deleted = BATCH; deleted > 0; total += deleted) {
      deleted = await this.sessions.purgeEnded(BATCH);
    }
    if (total > 0) this.logger.log(`deleted ${total} ended sessions and stale refresh tokens`);
    return total;
  }
}

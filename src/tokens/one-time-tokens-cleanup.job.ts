import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { JobLeases } from '../database/job-leases';
import { deleteInPacedBatches } from '../database/paced-deletes';
import { OneTimeTokensService } from './one-time-tokens.service';

const EVERY_MS = 10 * 60_000;

/** Deletes used, superseded and expired one-time tokens, in paced batches, on one instance at a time. */
@Injectable()
export class OneTimeTokensCleanupJob {
  private readonly logger = new Logger(OneTimeTokensCleanupJob.name);

  constructor(
    private readonly tokens: OneTimeTokensService,
    private readonly leases: JobLeases,
    private readonly clock: Clock,
  ) {}

  @Interval(EVERY_MS)
  async run(): Promise<number> {
    if (!(await this.leases.acquire('one-time-tokens-cleanup', EVERY_MS / 2000))) return 0;
    const total = await deleteInPacedBatches((limit) =>
      this.tokens.deleteDead(this.clock.now(), limit),
    );
    if (total > 0) this.logger.log(`deleted ${total} used or expired one-time tokens`);
    return total;
  }
}

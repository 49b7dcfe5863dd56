import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { JobLeases } from '../database/job-leases';
import { deleteInPacedBatches } from '../database/paced-deletes';
import { OutboxRepository } from './outbox.repository';

const EVERY_MS = 10 * 60_000;
/** Sent and given-up messages stay a week (their bodies are already wiped), for the per-address cap and support. */
const KEEP_MS = 7 * 86_400_000;

/** Deletes old sent and failed outbox rows, in paced batches, on one instance at a time. */
@Injectable()
export class OutboxCleanupJob {
  private readonly logger = new Logger(OutboxCleanupJob.name);

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly leases: JobLeases,
    private readonly clock: Clock,
  ) {}

  @Interval(EVERY_MS)
  async run(): Promise<number> {
    if (!(await this.leases.acquire('outbox-cleanup', EVERY_MS / 2000))) return 0;
    const total = await deleteInPacedBatches((limit) =>
      this.outbox.deleteFinished(this.clock.now() - KEEP_MS, limit),
    );
    if (total > 0) this.logger.log(`deleted ${total} old outbox messages`);
    return total;
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { JobLeases } from '../database/job-leases';
import { deleteInPacedBatches } from '../database/paced-deletes';
import { AuditService } from './audit.service';

const EVERY_MS = 10 * 60_000;

/** Deletes events older than AUDIT_RETENTION_DAYS, in paced batches, on one instance at a time. */
@Injectable()
export class AuditRetentionJob {
  private readonly logger = new Logger(AuditRetentionJob.name);

  constructor(
    private readonly audit: AuditService,
    private readonly leases: JobLeases,
  ) {}

  @Interval(EVERY_MS)
  async run(): Promise<number> {
    if (!(await this.leases.acquire('audit-retention', EVERY_MS / 2000))) return 0;
    const total = await deleteInPacedBatches((limit) => this.audit.purgeExpired(limit));
    if (total > 0) this.logger.log(`deleted ${total} events past their retention`);
    return total;
  }
}

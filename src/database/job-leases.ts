import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { JobLease } from './job-lease.entity';
import { isUniqueViolation } from './unique-violation';

/**
 * Leases for periodic jobs, so that of several instances sharing a database one runs a given job at a time:
 * taking a lease is one conditional statement (an insert, or an update of an expired lease), whose affected-row
 * count decides.
 */
@Injectable()
export class JobLeases {
  /** This process, as a lease holder. */
  private readonly holder = randomUUID();

  constructor(
    @InjectRepository(JobLease) private readonly leases: Repository<JobLease>,
    private readonly clock: Clock,
  ) {}

  /** Takes the lease `name` for `seconds` if nobody else holds it; true when this process now holds it. */
  async acquire(name: string, seconds: number): Promise<boolean> {
    const now = this.clock.now();
    const until = now + seconds * 1000;
    const renewed = await this.leases.update(
      [
        { name, until: LessThanOrEqual(now) },
        { name, holder: this.holder },
      ],
      { holder: this.holder, until },
    );
    if (renewed.affected) return true;
    try {
      await this.leases.insert({ name, holder: this.holder, until });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}

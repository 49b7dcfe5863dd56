import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { HealthCheck } from './health-check.entity';

@Injectable()
export class HealthChecksRepository {
  constructor(@InjectRepository(HealthCheck) private readonly rows: Repository<HealthCheck>) {}

  /** A real write: fails when the database is read-only, full, locked or gone. */
  async touch(now: number): Promise<void> {
    const result = await this.rows.update({ id: 1 }, { checkedAt: now });
    if (!result.affected) await this.rows.upsert({ id: 1, checkedAt: now }, ['id']);
  }
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/** The row the readiness check writes. */
@Entity({ name: 'health_checks' })
export class HealthCheck {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'checked_at', type: 'bigint', transformer: epochMs })
  checkedAt!: number;
}

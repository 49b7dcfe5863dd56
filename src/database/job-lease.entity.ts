import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from './columns';

/** Who runs a periodic job until when: several instances run it once. */
@Entity({ name: 'job_leases' })
export class JobLease {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 64 })
  holder!: string;

  @Column({ type: 'bigint', transformer: epochMs })
  until!: number;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/** One single-use recovery code: only its keyed hash (KeyEncryptionService.keyedHash) is kept. */
@Entity({ name: 'mfa_recovery_codes' })
@Index('ix_mfa_recovery_codes_user_hash', ['userId', 'codeHash'])
export class RecoveryCode {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'used_at', type: 'bigint', nullable: true, transformer: epochMs })
  usedAt!: number | null;
}

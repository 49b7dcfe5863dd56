import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/** A user's TOTP secret, sealed with KEY_ENCRYPTION_KEY. Being set up while `enabledAt` is null. */
@Entity({ name: 'mfa_totp' })
export class TotpFactor {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  /** The base32 secret, sealed (KeyEncryptionService) and bound to the user id. */
  @Column({ type: 'varchar', length: 255 })
  secret!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'enabled_at', type: 'bigint', nullable: true, transformer: epochMs })
  enabledAt!: number | null;

  /** The last 30-second step whose code was accepted: each code works once. */
  @Column({ name: 'last_used_step', type: 'bigint', nullable: true, transformer: epochMs })
  lastUsedStep!: number | null;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';

export type OneTimeTokenPurpose = 'verify_email' | 'change_email' | 'reset_password' | 'mfa';

/**
 * A single-use token mailed to a user (email verification, email change, password reset). Only the SHA-256 of the
 * token is kept; the token itself goes out in the mail once.
 */
@Entity({ name: 'one_time_tokens' })
@Index('ix_one_time_tokens_user_purpose', ['userId', 'purpose'])
export class OneTimeToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 32 })
  purpose!: OneTimeTokenPurpose;

  @Index('uq_one_time_tokens_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  /** The address this token proves (verification, email change); null for a password reset. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Index('ix_one_time_tokens_expires_at')
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt!: number;

  /** Wrong second-factor codes tried with it (the sign-in step's token allows a few). */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** When it was used, or superseded by a newer token of the same purpose. */
  @Column({ name: 'used_at', type: 'bigint', nullable: true, transformer: epochMs })
  usedAt!: number | null;
}

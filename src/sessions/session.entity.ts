import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/** A login, and the family of refresh tokens rotated from it. */
@Entity({ name: 'sessions' })
export class Session {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('ix_sessions_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'last_used_at', type: 'bigint', transformer: epochMs })
  lastUsedAt!: number;

  /** Absolute end of the session (SESSION_MAX_AGE after login), whatever the refreshes. */
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt!: number;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMs })
  revokedAt!: number | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 32, nullable: true })
  revokedReason!: RevocationReason | null;
}

export type RevocationReason =
  'logout' | 'logout_all' | 'refresh_token_reused' | 'user_disabled' | 'password_changed';

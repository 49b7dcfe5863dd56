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

  /** How the user proved who they are when the session opened (`pwd`, `otp`, `rcv`): the access tokens' `amr`. */
  @Column({ type: 'simple-array' })
  amr!: string[];

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

  /** The one refresh token of the session that can be exchanged now. */
  @Column({ name: 'current_token_id', type: 'varchar', length: 36 })
  currentTokenId!: string;

  /** The token rotated last (the current token's predecessor), the only one the reuse grace window applies to. */
  @Column({ name: 'previous_token_id', type: 'varchar', length: 36, nullable: true })
  previousTokenId!: string | null;

  /** When the previous token was exchanged: the grace window runs from here. */
  @Column({ name: 'rotated_at', type: 'bigint', nullable: true, transformer: epochMs })
  rotatedAt!: number | null;
}

export type RevocationReason =
  | 'logout'
  | 'logout_all'
  | 'refresh_token_reused'
  | 'user_disabled'
  | 'password_changed'
  | 'password_reset'
  | 'session_deleted'
  | 'roles_changed'
  | 'admin_revoked'
  /** POST /oauth/revoke with one of the session's tokens (RFC 7009). */
  | 'token_revoked';

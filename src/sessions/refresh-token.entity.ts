import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/**
 * One refresh token of a session. Only the SHA-256 of the token is kept; the token itself is shown once. Whether
 * it can still be used is the session's business (its current token); the rows stay so that an old token presented
 * again is recognised as reuse.
 */
@Entity({ name: 'refresh_tokens' })
export class RefreshToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Indexed for the foreign key's ON DELETE CASCADE: deleting a session finds its tokens by this column. */
  @Index('ix_refresh_tokens_session_id')
  @Column({ name: 'session_id', type: 'varchar', length: 36 })
  sessionId!: string;

  /** Hex SHA-256 of the token. */
  @Index('uq_refresh_tokens_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  /** The token this one was rotated from; null for the first token of a session. Recorded, never looked up. */
  @Column({ name: 'parent_id', type: 'varchar', length: 36, nullable: true })
  parentId!: string | null;

  /** Indexed: the clean-up job finds stale tokens by it. */
  @Index('ix_refresh_tokens_created_at')
  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  /** Idle limit: REFRESH_TOKEN_TTL after issue, never beyond the session's absolute end. */
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMs })
  expiresAt!: number;
}

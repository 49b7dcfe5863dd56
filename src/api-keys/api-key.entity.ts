import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/**
 * A user's API key for a machine client. Only the SHA-256 of the secret is kept: the whole key
 * (`pck_<id>_<secret>`) is shown once, in the answer that creates it.
 */
@Entity({ name: 'api_keys' })
@Index('ix_api_keys_user_id', ['userId', 'createdAt'])
export class ApiKey {
  /** 16 base62 characters: public, the first half of the key. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** SHA-256 of the secret, hex. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash!: string;

  /** As asked at creation; what a request may use is also bounded by the owner's roles at that time. */
  @Column({ type: 'simple-array' })
  scopes!: string[];

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  /** Refused from then on (epoch ms); null: never expires. */
  @Column({ name: 'expires_at', type: 'bigint', nullable: true, transformer: epochMs })
  expiresAt!: number | null;

  /** To the minute: written at most once a minute per key (see ApiKeyUsageService). */
  @Column({ name: 'last_used_at', type: 'bigint', nullable: true, transformer: epochMs })
  lastUsedAt!: number | null;
}

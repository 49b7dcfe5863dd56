import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/**
 * The life of a managed signing key: `next` (published, not signing yet), `current` (signs new tokens; one at a
 * time), `previous` (published until every token it signed has expired), `retired` (kept for the record, its
 * private part erased). At most one key is `next` and one `current` (a partial unique index).
 */
export type SigningKeyState = 'next' | 'current' | 'previous' | 'retired';

@Entity({ name: 'signing_keys' })
export class SigningKeyRow {
  /** RFC 7638 thumbprint of the public key. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ type: 'varchar', length: 8 })
  alg!: string;

  @Column({ type: 'varchar', length: 10 })
  state!: SigningKeyState;

  /** The public JWK, JSON: what the JWKS publishes. */
  @Column({ name: 'public_jwk', type: 'text' })
  publicJwk!: string;

  /** The PKCS#8 PEM sealed with KEY_ENCRYPTION_KEY (AES-256-GCM, bound to the kid); null once retired. */
  @Column({ name: 'private_key', type: 'text', nullable: true })
  privateKey!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  /** When it became `current`. */
  @Column({ name: 'activated_at', type: 'bigint', nullable: true, transformer: epochMs })
  activatedAt!: number | null;

  /** When it stopped signing (became `previous`). */
  @Column({ name: 'deactivated_at', type: 'bigint', nullable: true, transformer: epochMs })
  deactivatedAt!: number | null;

  @Column({ name: 'retired_at', type: 'bigint', nullable: true, transformer: epochMs })
  retiredAt!: number | null;
}

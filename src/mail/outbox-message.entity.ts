import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';
import type { MailKind } from './mail-messages';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * A mail waiting to go out, or gone (a transactional outbox): written with whatever it reports (in the same
 * transaction as the token it carries), sent by the outbox worker, with retries. Once sent, its bodies (which may
 * hold a token) are wiped.
 */
@Entity({ name: 'mail_outbox' })
@Index('ix_mail_outbox_status_next_attempt', ['status', 'nextAttemptAt'])
@Index('ix_mail_outbox_recipient_kind_created', ['recipient', 'kind', 'createdAt'])
export class OutboxMessage {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 254 })
  recipient!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: MailKind;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ name: 'text_body', type: 'text' })
  textBody!: string;

  @Column({ name: 'html_body', type: 'text' })
  htmlBody!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: OutboxStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: epochMs })
  nextAttemptAt!: number;

  /** A worker sending it holds it until then; after that (the worker died), it may be taken again. */
  @Column({ name: 'claimed_until', type: 'bigint', nullable: true, transformer: epochMs })
  claimedUntil!: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt!: number;

  @Column({ name: 'sent_at', type: 'bigint', nullable: true, transformer: epochMs })
  sentAt!: number | null;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/** One stored domain event: who, what, when, from where, and its facts (never a secret). */
@Entity({ name: 'auth_events' })
@Index('ix_auth_events_user_at', ['userId', 'at', 'id'])
export class AuthEvent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  type!: string;

  /** The account the event is about (kept after the account is deleted: its id only). */
  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId!: string | null;

  /** Who acted, when not the user themselves (an administrator). */
  @Column({ name: 'actor_id', type: 'varchar', length: 36, nullable: true })
  actorId!: string | null;

  @Column({ name: 'session_id', type: 'varchar', length: 36, nullable: true })
  sessionId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Index('ix_auth_events_at')
  @Column({ type: 'bigint', transformer: epochMs })
  at!: number;

  /** The event's other facts, as JSON. */
  @Column({ type: 'text' })
  detail!: string;
}

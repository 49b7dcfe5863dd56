import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThanOrEqual, Repository, type EntityManager } from 'typeorm';
import { queryRows } from '../database/raw-query';
import { OutboxMessage } from './outbox-message.entity';

/** Every query on the mail outbox. */
@Injectable()
export class OutboxRepository {
  constructor(
    @InjectRepository(OutboxMessage) private readonly messages: Repository<OutboxMessage>,
  ) {}

  /**
   * Stores the message unless its recipient already got `cap` messages of its kind since `since`: one
   * conditional statement (INSERT … SELECT … WHERE count < cap). True when it was stored. Every parameter is
   * cast: PostgreSQL must give a parameter used twice one type.
   */
  async insertUnlessCapped(
    message: OutboxMessage,
    cap: number,
    since: number,
    manager?: EntityManager,
  ): Promise<boolean> {
    if (this.messages.manager.connection.options.type !== 'postgres') {
      // SQLite runs one writer at a time: the statement alone decides.
      return this.insertIfUnderCap(manager ?? this.messages.manager, message, cap, since);
    }
    // PostgreSQL runs concurrent transactions side by side, each counting without the others' rows: messages of
    // one address and kind take a transaction-scoped advisory lock first, so they count one after the other.
    const locked = async (transaction: EntityManager) => {
      await transaction.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `mail:${message.recipient}:${message.kind}`,
      ]);
      return this.insertIfUnderCap(transaction, message, cap, since);
    };
    return manager ? locked(manager) : this.messages.manager.transaction(locked);
  }

  private async insertIfUnderCap(
    target: EntityManager,
    message: OutboxMessage,
    cap: number,
    since: number,
  ): Promise<boolean> {
    await queryRows(
      target,
      `INSERT INTO mail_outbox (id, recipient, kind, subject, text_body, html_body, status, attempts, next_attempt_at, created_at)
       SELECT CAST(:id AS VARCHAR(36)), CAST(:recipient AS VARCHAR(254)), CAST(:kind AS VARCHAR(32)),
              CAST(:subject AS VARCHAR(255)), CAST(:textBody AS TEXT), CAST(:htmlBody AS TEXT),
              CAST(:status AS VARCHAR(16)), 0, CAST(:nextAttemptAt AS BIGINT), CAST(:createdAt AS BIGINT)
       WHERE (SELECT COUNT(*) FROM mail_outbox
              WHERE recipient = CAST(:recipient AS VARCHAR(254)) AND kind = CAST(:kind AS VARCHAR(32))
                AND created_at > CAST(:since AS BIGINT)) < CAST(:cap AS INTEGER)`,
      { ...message, since, cap },
    );
    const [stored] = await queryRows<{ id: string }>(
      target,
      'SELECT id FROM mail_outbox WHERE id = :id',
      { id: message.id },
    );
    return stored !== undefined;
  }

  /** Up to `limit` ids of messages due now: pending and due, or held by a worker that stopped answering. */
  async dueIds(now: number, limit: number): Promise<string[]> {
    const rows = await this.messages.find({
      select: { id: true },
      where: [
        { status: 'pending', nextAttemptAt: LessThanOrEqual(now) },
        { status: 'sending', claimedUntil: LessThanOrEqual(now) },
      ],
      order: { nextAttemptAt: 'ASC' },
      take: limit,
    });
    return rows.map((row) => row.id);
  }

  /**
   * Takes a due message for sending until `until`, in one conditional statement: of several workers (on several
   * instances), exactly one gets it. Answers the message, or null when another worker took it first.
   */
  async claim(id: string, now: number, until: number): Promise<OutboxMessage | null> {
    const result = await this.messages
      .createQueryBuilder()
      .update(OutboxMessage)
      .set({ status: 'sending', claimedUntil: until, attempts: () => 'attempts + 1' })
      .where(
        "id = :id AND ((status = 'pending' AND next_attempt_at <= :now) OR (status = 'sending' AND claimed_until <= :now))",
        { id, now },
      )
      .execute();
    if (result.affected !== 1) return null;
    return this.messages.findOneBy({ id });
  }

  /** Sent: the bodies (which may hold a token) are wiped. */
  async markSent(id: string, now: number): Promise<void> {
    await this.messages.update(
      { id },
      {
        status: 'sent',
        sentAt: now,
        claimedUntil: null,
        textBody: '',
        htmlBody: '',
        lastError: null,
      },
    );
  }

  async markRetry(id: string, nextAttemptAt: number, error: string): Promise<void> {
    await this.messages.update(
      { id },
      { status: 'pending', nextAttemptAt, claimedUntil: null, lastError: error.slice(0, 500) },
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.messages.update(
      { id },
      {
        status: 'failed',
        claimedUntil: null,
        textBody: '',
        htmlBody: '',
        lastError: error.slice(0, 500),
      },
    );
  }

  /** Deletes up to `limit` messages sent or given up before `before`. */
  async deleteFinished(before: number, limit: number): Promise<number> {
    const rows = await this.messages.find({
      select: { id: true },
      where: [
        { status: 'sent', createdAt: LessThanOrEqual(before) },
        { status: 'failed', createdAt: LessThanOrEqual(before) },
      ],
      take: limit,
    });
    if (rows.length === 0) return 0;
    await this.messages.delete({ id: In(rows.map((row) => row.id)) });
    return rows.length;
  }
}

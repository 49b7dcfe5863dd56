import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config';
import { composeMail, type MailKind, type MailParameters } from './mail-messages';
import { OutboxRepository } from './outbox.repository';
import { OutboxWorker } from './outbox.worker';

/** Per address, at most this many messages of one kind an hour: more requests still answer 202 and send nothing. */
export const MAIL_CAP_PER_HOUR = 3;
const HOUR_MS = 3_600_000;

/** Queues mail: what it says (mail-messages.ts) into the outbox, which the OutboxWorker sends. */
@Injectable()
export class MailService {
  private readonly appName: string;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly worker: OutboxWorker,
    private readonly clock: Clock,
    config: AppConfigService,
  ) {
    this.appName = config.section('mail').appName;
  }

  /**
   * Queues a message (in the caller's transaction, when given: with the token it carries); false when the
   * recipient already got MAIL_CAP_PER_HOUR of this kind in the last hour. Call `flush()` after the transaction
   * commits to send at once; otherwise it goes out within a second.
   */
  async queue(
    kind: MailKind,
    to: string,
    parameters: Omit<MailParameters, 'appName'> = {},
    manager?: EntityManager,
  ): Promise<boolean> {
    const content = composeMail(kind, { ...parameters, appName: this.appName });
    const now = this.clock.now();
    const queued = await this.outbox.insertUnlessCapped(
      {
        id: randomUUID(),
        recipient: to,
        kind,
        subject: content.subject,
        textBody: content.text,
        htmlBody: content.html,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        claimedUntil: null,
        lastError: null,
        createdAt: now,
        sentAt: null,
      },
      MAIL_CAP_PER_HOUR,
      now - HOUR_MS,
      manager,
    );
    if (queued && !manager) this.flush();
    return queued;
  }

  /** Sends what is queued now, rather than at the worker's next pass. */
  flush(): void {
    this.worker.kick();
  }
}

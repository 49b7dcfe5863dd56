import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config';
import { OutboxRepository } from './outbox.repository';
import { MailTransport } from './transport/mail-transport';

/** How often the worker looks for due messages (it also looks right after a message is queued). */
export const OUTBOX_POLL_MS = 1000;
/** A worker holds a message for this long while it sends it; after that another may take it. */
const CLAIM_MS = 60_000;
/** Retries after 5 s, 10 s, 20 s... up to an hour apart. */
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 3_600_000;
/** A message still unsent this long after it was queued is given up, and the failure logged. */
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;
const BATCH = 20;

export const retryDelay = (attempts: number): number =>
  Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));

/**
 * Sends the outbox: every second, and at once when a message is queued, it claims due messages one by one (a
 * conditional update: several instances never send one message twice) and sends them. A failure is retried with
 * exponential backoff for a day, then the message is marked failed and logged. A request never waits for this;
 * an SMTP outage only delays mail.
 */
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly from: string;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly transport: MailTransport,
    private readonly clock: Clock,
    config: AppConfigService,
  ) {
    this.from = config.section('mail').from;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), OUTBOX_POLL_MS).unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    this.transport.close();
  }

  /** Looks for due messages now (or right after the pass in progress). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => {
        // The database may be unavailable: the next pass tries again.
        this.logger.warn(`outbox pass failed: ${(error as Error).message}`);
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const ids = await this.outbox.dueIds(this.clock.now(), BATCH);
      if (ids.length === 0 || this.stopped) return;
      for (const id of ids) {
        if (this.stopped) return;
        await this.sendOne(id);
      }
      if (ids.length < BATCH) return;
    }
  }

  private async sendOne(id: string): Promise<void> {
    const now = this.clock.now();
    const message = await this.outbox.claim(id, now, now + CLAIM_MS);
    if (!message) return;
    try {
      await this.transport.send({
        id: message.id,
        from: this.from,
        to: message.recipient,
        subject: message.subject,
        text: message.textBody,
        html: message.htmlBody,
      });
      await this.outbox.markSent(id, this.clock.now());
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (this.clock.now() - message.createdAt >= GIVE_UP_AFTER_MS) {
        await this.outbox.markFailed(id, reason);
        this.logger.error(
          `gave up the ${message.kind} mail ${id} after ${message.attempts} attempts over a day: ${reason}`,
        );
        return;
      }
      await this.outbox.markRetry(id, this.clock.now() + retryDelay(message.attempts), reason);
      this.logger.warn(
        `the ${message.kind} mail ${id} failed (attempt ${message.attempts}): ${reason}; retrying`,
      );
    }
  }
}

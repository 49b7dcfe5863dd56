import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { RedisConnection } from './redis.connection';

/**
 * One kind of notice: the name of its channel (`<module>.<what happened>`) and how to read one. `parse` gets the
 * notice as decoded JSON from another instance, or from anything else that can publish on the channel: it answers
 * the notice when the value has the expected shape, undefined otherwise (the message is then ignored).
 */
export interface NoticeChannel<T> {
  readonly name: string;
  parse(value: unknown): T | undefined;
}

/**
 * How long an entry of a cache that notices evict may be served while notices reach this instance: a change made
 * through another instance evicts it at once, so the lifetime only bounds what a lost notice could cost.
 */
export const CACHE_TTL_WITH_NOTICES_MS = 30_000;

/** Notices are a few ids: anything longer is not one. */
const MAX_MESSAGE_LENGTH = 4096;
/** Notices that could not be sent, kept for when Redis is back: at most this many, the oldest dropped first. */
const MAX_UNSENT = 10_000;

interface Unsent {
  channel: string;
  message: string;
  at: number;
}

const isEnvelope = (value: unknown): value is { from: string; notice: unknown } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { from?: unknown }).from === 'string' &&
  'notice' in value;

/**
 * Notices between the instances of one deployment, over Redis pub/sub: "this session was revoked, drop what you
 * cached of it". A notice is small JSON carrying ids, never a secret; it is sent after the change is stored, and an
 * instance ignores its own. Without REDIS_URL, publishing does nothing: a single instance needs no notices.
 *
 * Delivery is at most once, so a cache that relies on notices must also bound its entries' age, and shorten it
 * when notices stop (`cacheTtl`), and drop its entries when delivery stops or resumes (`onDeliveryChange`): notices
 * sent meanwhile are lost. A notice this instance could not send is sent again when Redis is back, unless it is
 * older than CACHE_TTL_WITH_NOTICES_MS (by then every cache that could hold the old value has expired).
 */
@Injectable()
export class NoticeBus {
  private readonly logger = new Logger(NoticeBus.name);
  /** Tells this instance's notices apart from the others'. */
  private readonly origin = randomUUID();
  private readonly handlers = new Map<string, Array<(notice: unknown) => void>>();
  private unsent: Unsent[] = [];
  private sendingUnsent = false;

  constructor(
    private readonly redis: RedisConnection,
    private readonly clock: Clock,
  ) {
    redis.onMessage((channel, message) => this.receive(channel, message));
    redis.onChange((up) => {
      if (up) void this.sendUnsent();
    });
  }

  /** Whether notices from other instances reach this one now. */
  get delivering(): boolean {
    return this.redis.up;
  }

  /** How long a cache entry that notices evict may be served now: longer while notices are delivered. */
  cacheTtl(withoutNoticesMs: number): number {
    return this.redis.up ? CACHE_TTL_WITH_NOTICES_MS : withoutNoticesMs;
  }

  /** Called when delivery stops (Redis went down) and when it resumes (notices may have been missed meanwhile). */
  onDeliveryChange(listener: (delivering: boolean) => void): void {
    this.redis.onChange(listener);
  }

  /** Calls `handler` with every well-formed notice of `channel` that another instance publishes. */
  subscribe<T>(channel: NoticeChannel<T>, handler: (notice: T) => void): void {
    const name = this.channelName(channel);
    const handlers = this.handlers.get(name) ?? [];
    handlers.push((value) => {
      const notice = channel.parse(value);
      if (notice !== undefined) handler(notice);
    });
    this.handlers.set(name, handlers);
    this.redis.listen(name);
  }

  /**
   * Tells the other instances; never fails and waits at most a short command timeout. Without REDIS_URL it does
   * nothing; while Redis is down the notice is kept and sent when it is back.
   */
  async publish<T>(channel: NoticeChannel<T>, notice: T): Promise<void> {
    if (!this.redis.configured) return;
    const unsent: Unsent = {
      channel: this.channelName(channel),
      message: JSON.stringify({ from: this.origin, notice }),
      at: this.clock.now(),
    };
    if (this.redis.up && (await this.send(unsent))) {
      if (this.unsent.length > 0) void this.sendUnsent();
      return;
    }
    if (this.unsent.length >= MAX_UNSENT) this.unsent.shift();
    this.unsent.push(unsent);
  }

  private channelName(channel: NoticeChannel<unknown>): string {
    return `${this.redis.prefix}notice:${channel.name}`;
  }

  private async send({ channel, message }: Unsent): Promise<boolean> {
    try {
      await this.redis.run((client) => client.publish(channel, message));
      return true;
    } catch {
      return false;
    }
  }

  private async sendUnsent(): Promise<void> {
    if (this.sendingUnsent) return;
    this.sendingUnsent = true;
    try {
      const since = this.clock.now() - CACHE_TTL_WITH_NOTICES_MS;
      const pending = this.unsent.filter((notice) => notice.at > since);
      this.unsent = [];
      for (const [index, notice] of pending.entries()) {
        if (!(await this.send(notice))) {
          // Down again: keep the rest, in order, for the next time.
          this.unsent.unshift(...pending.slice(index));
          return;
        }
      }
    } finally {
      this.sendingUnsent = false;
    }
  }

  private receive(channel: string, message: string): void {
    const handlers = this.handlers.get(channel);
    if (!handlers || message.length > MAX_MESSAGE_LENGTH) return;
    let envelope: unknown;
    try {
      envelope = JSON.parse(message);
    } catch {
      this.logger.debug(`ignored a message on ${channel} that is not JSON`);
      return;
    }
    if (!isEnvelope(envelope)) {
      this.logger.debug(`ignored a message on ${channel} that is not a notice`);
      return;
    }
    if (envelope.from === this.origin) return;
    for (const handler of handlers) {
      try {
        handler(envelope.notice);
      } catch (error) {
        this.logger.error(`a handler of ${channel} failed: ${(error as Error).message}`);
      }
    }
  }
}

import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { withDeadline } from '../common/deadline';
import { AppConfigService } from '../config';

/**
 * How long a request waits for one Redis command before it goes on without Redis (a rate limit counted in this
 * process, a notice not sent).
 */
export const REDIS_COMMAND_TIMEOUT_MS = 200;
/** A TCP connection attempt gives up after this long. */
const CONNECT_TIMEOUT_MS = 1000;
/** Reconnection: 100 ms after a loss, doubling, then every 2 s for as long as it takes. */
const reconnectDelay = (attempt: number) => Math.min(100 * 2 ** Math.min(attempt - 1, 5), 2000);
/** At start-up, how long to wait for the first connection before serving without Redis. */
const FIRST_CONNECTION_WAIT_MS = 2000;
/**
 * Every second each connection is checked: a PING unanswered twice in a row, or a handshake (AUTH, SELECT, the
 * ready check) still pending after two seconds, means a connection that looks open but is dead; it is replaced.
 */
const WATCHDOG_INTERVAL_MS = 1000;
const PING_TIMEOUT_MS = 1000;
const STALLED_AFTER_PINGS = 2;
const STALLED_HANDSHAKE_MS = 2000;

/** `host:port` of a Redis URL: what the logs name, never the credentials it may carry. */
export function redisEndpoint(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || 6379}`;
}

/**
 * ioredis reads replies inside the socket's 'data' listeners and trusts their shape: a server that answers a
 * subscription with, say, an integer makes it throw there, and an exception thrown in a socket listener ends the
 * process. This closes such a connection instead (ioredis then reconnects; the commands it had in flight are settled
 * by their deadlines).
 */
function closeOnMalformedReplies(redis: Redis): void {
  const stream = redis.stream;
  const emit = stream.emit.bind(stream) as (event: string | symbol, ...args: unknown[]) => boolean;
  stream.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== 'data') return emit(event, ...args);
    try {
      return emit(event, ...args);
    } catch (error) {
      stream.destroy(error instanceof Error ? error : new Error(String(error)));
      return true;
    }
  }) as typeof stream.emit;
}

type State = 'unused' | 'starting' | 'up' | 'down' | 'closed';

interface Link {
  name: 'commands' | 'notices';
  redis: Redis;
  /** When the current connection's handshake began (its TCP connection opened). */
  handshakeSince: number;
  unansweredPings: number;
  ready: boolean;
}

/**
 * The connections to Redis when REDIS_URL is set: one shared command client (rate limits, publishing) and one
 * subscriber (notices). Neither queues commands while disconnected, so a request never waits on a dead Redis; both
 * reconnect on their own with a bounded backoff. Redis is up when both are ready and the subscriber listens to
 * every channel asked for; an outage is logged once, as a warning, and the recovery once, as an info line.
 * Without REDIS_URL there is no connection and `up` is always false.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  /** The shared command client, null without REDIS_URL. Commands go through `run`. */
  readonly client: Redis | null = null;
  /** `host:port` of REDIS_URL, null without it. */
  readonly endpoint: string | null = null;
  /** Prefix of every key and channel (REDIS_PREFIX), so that deployments can share one Redis. */
  readonly prefix: string;
  private readonly links: Link[] = [];
  private readonly subscriber: Link | null = null;
  private state: State = 'unused';
  private failedSinceStart = false;
  private lastProblem = 'not connected yet';
  private readonly channels = new Set<string>();
  private readonly messageHandlers: Array<(channel: string, message: string) => void> = [];
  private readonly changeListeners: Array<(up: boolean) => void> = [];
  private watchdog?: NodeJS.Timeout;
  private checking = false;

  constructor(config: AppConfigService) {
    const { url, prefix } = config.section('redis');
    this.prefix = prefix;
    if (!url) return;
    this.endpoint = redisEndpoint(url);
    this.state = 'starting';
    const commands = this.link('commands', url);
    const notices = this.link('notices', url);
    this.client = commands.redis;
    this.subscriber = notices;
    this.links = [commands, notices];
    notices.redis.on('message', (channel: string, message: string) => {
      for (const handler of this.messageHandlers) {
        try {
          handler(channel, message);
        } catch (error) {
          this.logger.error(`a handler of ${channel} failed: ${(error as Error).message}`);
        }
      }
    });
  }

  /** Whether REDIS_URL is set. */
  get configured(): boolean {
    return this.client !== null;
  }

  /** Whether commands can be sent and notices are being received right now. */
  get up(): boolean {
    return this.state === 'up';
  }

  /** Called with the new state each time Redis goes down or comes back up. */
  onChange(listener: (up: boolean) => void): void {
    this.changeListeners.push(listener);
  }

  /**
   * One command on the shared client, answered within REDIS_COMMAND_TIMEOUT_MS or rejected; rejected at once
   * when the client is not connected (callers check `up` first to skip the attempt).
   */
  run<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    if (!this.client) return Promise.reject(new Error('REDIS_URL is not set'));
    return withDeadline(command(this.client), REDIS_COMMAND_TIMEOUT_MS);
  }

  /** Listens to `channel` (a full channel name) on the subscriber, now and after every reconnection. */
  listen(channel: string): void {
    if (!this.subscriber || this.channels.has(channel)) return;
    this.channels.add(channel);
    const subscriber = this.subscriber.redis;
    if (subscriber.status === 'ready') {
      // Should it fail, a new connection subscribes to every channel again.
      subscriber.subscribe(channel).catch(() => subscriber.disconnect(true));
    }
  }

  onMessage(handler: (channel: string, message: string) => void): void {
    this.messageHandlers.push(handler);
  }

  async onModuleInit(): Promise<void> {
    if (this.state !== 'starting') return;
    this.watchdog = setInterval(() => void this.check(), WATCHDOG_INTERVAL_MS).unref();
    for (const link of this.links) link.redis.connect().catch(() => undefined);
    // Serve from the first request with Redis when it answers, without Redis when it does not; never wait long.
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        const index = this.changeListeners.indexOf(done);
        if (index >= 0) this.changeListeners.splice(index, 1);
        resolve();
      };
      const timer = setTimeout(done, FIRST_CONNECTION_WAIT_MS);
      if (this.state !== 'starting') done();
      else this.changeListeners.push(done);
    });
    if (this.state === 'starting') {
      // Connected, perhaps, but not ready: the server starts without Redis, and says so.
      this.lastProblem = `not ready within ${FIRST_CONNECTION_WAIT_MS / 1000} s (${this.lastProblem})`;
      this.failedSinceStart = true;
      this.update();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.state === 'unused' || this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.watchdog);
    await Promise.all(
      this.links.map(async ({ redis }) => {
        if (redis.status === 'ready') await withDeadline(redis.quit(), 500).catch(() => undefined);
        // Closed by QUIT, or closed at once (no reconnection) when it did not answer or was not connected.
        if (redis.status !== 'end') redis.disconnect();
      }),
    );
  }

  private link(name: Link['name'], url: string): Link {
    const redis = new Redis(url, {
      lazyConnect: true,
      // Fail at once while disconnected instead of queueing: the caller goes on without Redis.
      enableOfflineQueue: false,
      // Commands in flight when a connection drops fail at once, and are never sent again later.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // The subscriber subscribes again itself, and counts as ready only once it has.
      autoResubscribe: false,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: reconnectDelay,
      disableClientInfo: true,
      // On close, how long an unfinished socket may take to end before it is destroyed.
      disconnectTimeout: 500,
      connectionName: `portcullis-${name}`,
    });
    const link: Link = { name, redis, handshakeSince: 0, unansweredPings: 0, ready: false };
    redis.on('connect', () => {
      link.handshakeSince = Date.now();
      // Before the first reply can arrive: 'connect' is emitted as the socket opens, before anything is sent.
      closeOnMalformedReplies(redis);
    });
    redis.on('ready', () => {
      // What the next outage is, unless an error says more.
      this.lastProblem = 'the connection closed';
      void this.prepare(link);
    });
    redis.on('error', (error: Error) => {
      // Every failed attempt says so; only the change of state is logged.
      this.lastProblem = error.message;
      this.failedSinceStart = true;
      this.setReady(link, redis.status === 'ready' && link.ready);
    });
    redis.on('close', () => {
      this.failedSinceStart = true;
      this.setReady(link, false);
    });
    return link;
  }

  /**
   * A new connection counts as ready once it has shown it talks to Redis (ioredis's own ready check accepts any
   * answer) and, for the subscriber, listens to every channel.
   */
  private async prepare(link: Link): Promise<void> {
    const { redis } = link;
    try {
      const pong = await withDeadline(redis.ping(), PING_TIMEOUT_MS);
      if (pong !== 'PONG')
        throw new Error(`PING answered ${String(JSON.stringify(pong)).slice(0, 40)}`);
      if (link.name === 'notices' && this.channels.size > 0) {
        const count = await withDeadline(redis.subscribe(...this.channels), PING_TIMEOUT_MS);
        // Redis confirms with the number of channels this connection listens to: anything else is not Redis.
        if (count !== this.channels.size) {
          throw new Error(`SUBSCRIBE answered ${String(JSON.stringify(count)).slice(0, 40)}`);
        }
      }
      // Unless the connection dropped meanwhile: its next 'ready' comes back here.
      if (redis.status === 'ready') this.setReady(link, true);
    } catch (error) {
      // A connection that dropped meanwhile says why itself, and comes back here when it is ready again.
      if (redis.status !== 'ready') return;
      this.lastProblem = `not a working Redis: ${(error as Error).message}`;
      redis.disconnect(true);
    }
  }

  private setReady(link: Link, ready: boolean): void {
    link.ready = ready;
    if (ready) link.unansweredPings = 0;
    this.update();
  }

  private update(): void {
    if (this.state === 'unused' || this.state === 'closed') return;
    const up = this.links.every((link) => link.ready);
    if (up) {
      if (this.state === 'up') return;
      const was = this.state;
      this.state = 'up';
      if (was === 'down') {
        this.logger.log(
          `Redis at ${this.endpoint} answers again: rate limits are shared across instances again, and so are revocation notices`,
        );
      }
      this.notify(true);
    } else if (this.state === 'up' || (this.state === 'starting' && this.failedSinceStart)) {
      this.state = 'down';
      this.logger.warn(
        `Redis at ${this.endpoint} is unreachable (${this.lastProblem}); until it is back, rate limits hold per ` +
          'instance and revocations reach other instances through their database checks (within a second); ' +
          'reconnecting',
      );
      this.notify(false);
    }
  }

  private notify(up: boolean): void {
    for (const listener of [...this.changeListeners]) {
      try {
        listener(up);
      } catch (error) {
        this.logger.error(`a listener of the Redis state failed: ${(error as Error).message}`);
      }
    }
  }

  /** Replaces connections that look open but do not answer (see WATCHDOG_INTERVAL_MS). */
  private async check(): Promise<void> {
    if (this.checking || this.state === 'closed') return;
    this.checking = true;
    try {
      await Promise.all(this.links.map((link) => this.checkLink(link)));
    } finally {
      this.checking = false;
    }
  }

  private async checkLink(link: Link): Promise<void> {
    const { redis } = link;
    if (redis.status === 'connect' && Date.now() - link.handshakeSince > STALLED_HANDSHAKE_MS) {
      this.lastProblem = 'the connection opened but Redis did not complete the handshake';
      redis.disconnect(true);
      return;
    }
    if (redis.status !== 'ready') return;
    try {
      await withDeadline(redis.ping(), PING_TIMEOUT_MS);
      link.unansweredPings = 0;
    } catch (error) {
      link.unansweredPings += 1;
      if (link.unansweredPings >= STALLED_AFTER_PINGS && redis.status === 'ready') {
        this.lastProblem = `PING failed: ${(error as Error).message}`;
        link.unansweredPings = 0;
        redis.disconnect(true);
      }
    }
  }
}

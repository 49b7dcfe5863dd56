import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { RedisConnection } from '../redis/redis.connection';
import { FixedWindowThrottlerStorage } from './fixed-window.storage';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * `n` hits of one key, one after the other, as one atomic step: KEYS[1] counts the window's hits and expires with
 * the window, KEYS[2] exists while the key is blocked. ARGV: window ms, limit, block ms, n. The rules are
 * FixedWindowThrottlerStorage's, with Redis's clock: a hit while blocked is not counted; the hit that goes over the
 * limit is counted and starts the block. Answers {hits before, hits counted, ms left in the window, ms left in
 * the block (0: not blocked)}.
 */
const FIXED_WINDOW_SCRIPT = `
local windowMs = tonumber(ARGV[1])
local blockedFor = redis.call('PTTL', KEYS[2])
if blockedFor > 0 then
  local windowLeft = redis.call('PTTL', KEYS[1])
  if windowLeft < 0 then windowLeft = windowMs end
  return {tonumber(redis.call('GET', KEYS[1]) or '0'), 0, windowLeft, blockedFor}
end
local limit = tonumber(ARGV[2])
local n = tonumber(ARGV[4])
local hits = redis.call('INCRBY', KEYS[1], n)
local before = hits - n
local counted = n
if before > limit then
  counted = 1
elseif before + n > limit + 1 then
  counted = limit + 1 - before
end
if counted < n then hits = redis.call('DECRBY', KEYS[1], n - counted) end
local windowLeft = redis.call('PTTL', KEYS[1])
if windowLeft < 0 then
  redis.call('PEXPIRE', KEYS[1], windowMs)
  windowLeft = windowMs
end
if hits > limit then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {before, counted, windowLeft, tonumber(ARGV[3])}
end
return {before, counted, windowLeft, 0}
`;
const COMMAND = 'portcullisFixedWindow';

type WithFixedWindow = Redis & {
  [COMMAND](
    hitsKey: string,
    blockKey: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    hits: number,
  ): Promise<unknown>;
};

/** One request's answer, or null: Redis did not count it (the request is then counted in this process). */
type Settle = (record: ThrottlerStorageRecord | null) => void;

/** The hits of one key (with its limits) that arrived in one turn of the event loop, in order. */
interface Batch {
  key: string;
  ttl: number;
  limit: number;
  blockDuration: number;
  settles: Settle[];
}

const isCounts = (value: unknown): value is [number, number, number, number] =>
  Array.isArray(value) &&
  value.length === 4 &&
  value.every((item) => typeof item === 'number' && Number.isSafeInteger(item) && item >= 0);

/**
 * Rate-limit counters in Redis (REDIS_URL), shared by every instance: a client gets THROTTLE_LIMIT requests in
 * all, whichever instances answer them. The script is sent once per connection, then called by its hash
 * (EVALSHA).
 *
 * The hits that arrive in one turn of the event loop leave together at its end: one call per key, each hit
 * answered as if sent alone, and all the calls in one write. Under load that saves most of the system calls and
 * Redis reads a call per request would cost, and a busy client (a gateway, a resource server calling
 * introspection) costs one script call per turn, not one per request; a hit waits at most for the rest of the
 * turn.
 *
 * While Redis is down, or when a call fails, takes more than REDIS_COMMAND_TIMEOUT_MS or answers something else
 * than counts, its requests are counted in this process instead (FixedWindowThrottlerStorage): limits then hold
 * per instance, and no request fails because of Redis.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly prefix: string;
  /** This turn's hits, by key and limits; sent when the turn ends. */
  private batches = new Map<string, Batch>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly fallback: FixedWindowThrottlerStorage,
  ) {
    this.prefix = `${redis.prefix}throttle:`;
    redis.client?.defineCommand(COMMAND, { numberOfKeys: 2, lua: FIXED_WINDOW_SCRIPT });
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
  ): Promise<ThrottlerStorageRecord> {
    if (this.redis.up) {
      const record = await new Promise<ThrottlerStorageRecord | null>((settle) => {
        if (this.batches.size === 0) setImmediate(() => this.send());
        const id = `${ttl}:${limit}:${blockDuration}:${key}`;
        const batch = this.batches.get(id);
        if (batch) batch.settles.push(settle);
        else this.batches.set(id, { key, ttl, limit, blockDuration, settles: [settle] });
      });
      if (record) return record;
    }
    return this.fallback.increment(key, ttl, limit, blockDuration);
  }

  /** Sends this turn's batches, one script call each, in one write. */
  private send(): void {
    const batches = [...this.batches.values()];
    this.batches = new Map();
    const calls = this.redis.runAll(
      batches.map(({ key, ttl, limit, blockDuration, settles }) => async (client: Redis) => {
        // {…}: both keys of a client in one hash slot, as a Redis Cluster requires of one script's keys.
        const hitsKey = `${this.prefix}{${key}}`;
        return (client as WithFixedWindow)[COMMAND](
          hitsKey,
          `${hitsKey}:blocked`,
          ttl,
          limit,
          blockDuration,
          settles.length,
        );
      }),
    );
    batches.forEach((batch, index) => {
      calls[index].then(
        (counts) => this.settle(batch, counts),
        () => this.settle(batch, null),
      );
    });
  }

  /** Answers each hit of `batch` from the script's counts; null for each when Redis did not count them. */
  private settle({ limit, settles }: Batch, counts: unknown): void {
    const hits = settles.length;
    if (!isCounts(counts) || counts[1] > hits) {
      for (const settle of settles) settle(null);
      return;
    }
    const [before, counted, windowLeft, blockLeft] = counts;
    const timeToExpire = Math.ceil(windowLeft / 1000);
    const timeToBlockExpire = Math.ceil(blockLeft / 1000);
    settles.forEach((settle, index) => {
      const hit = index + 1;
      // Hits past the one that started the block were not counted, as in FixedWindowThrottlerStorage.
      const totalHits = before + Math.min(hit, counted);
      const isBlocked = blockLeft > 0 && (hit > counted || totalHits > limit);
      settle({
        totalHits,
        timeToExpire,
        isBlocked,
        timeToBlockExpire: isBlocked ? timeToBlockExpire : 0,
      });
    });
  }
}

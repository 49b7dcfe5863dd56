import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { RedisConnection } from '../redis/redis.connection';
import { FixedWindowThrottlerStorage } from './fixed-window.storage';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * One fixed window in one round trip, atomic: KEYS[1] counts the window's hits and expires with it, KEYS[2] exists
 * while the key is blocked. ARGV: window ms, limit, block ms. Answers {hits, ms left in the window, ms left in the
 * block (0: not blocked)}; the same rules as FixedWindowThrottlerStorage, with Redis's clock.
 */
const FIXED_WINDOW_SCRIPT = `
local blockedFor = redis.call('PTTL', KEYS[2])
if blockedFor > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
  local windowLeft = redis.call('PTTL', KEYS[1])
  if windowLeft < 0 then windowLeft = tonumber(ARGV[1]) end
  return {hits, windowLeft, blockedFor}
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local windowLeft = redis.call('PTTL', KEYS[1])
if windowLeft < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  windowLeft = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, windowLeft, tonumber(ARGV[3])}
end
return {hits, windowLeft, 0}
`;

const COMMAND = 'portcullisFixedWindow';

type WithFixedWindow = Redis & {
  [COMMAND](
    hitsKey: string,
    blockKey: string,
    ttl: number,
    limit: number,
    blockDuration: number,
  ): Promise<unknown>;
};

const isCounts = (value: unknown): value is [number, number, number] =>
  Array.isArray(value) &&
  value.length === 3 &&
  value.every((item) => typeof item === 'number' && Number.isSafeInteger(item) && item >= 0);

/**
 * Rate-limit counters in Redis (REDIS_URL), shared by every instance: a client gets THROTTLE_LIMIT requests in
 * all, whichever instances answer them. The script is sent once per connection, then called by its hash (EVALSHA).
 * While Redis is down, or when it fails to answer one increment in time (or answers something else than counts),
 * that request is counted in this process instead (FixedWindowThrottlerStorage): limits then hold per instance, and
 * no request fails because of Redis.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly prefix: string;

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
      // {…}: both keys of a client in one hash slot, as a Redis Cluster requires of one script's keys.
      const hitsKey = `${this.prefix}{${key}}`;
      try {
        const counts = await this.redis.run((client) =>
          (client as WithFixedWindow)[COMMAND](
            hitsKey,
            `${hitsKey}:blocked`,
            ttl,
            limit,
            blockDuration,
          ),
        );
        if (isCounts(counts)) {
          const [totalHits, windowLeft, blockLeft] = counts;
          return {
            totalHits,
            timeToExpire: Math.ceil(windowLeft / 1000),
            isBlocked: blockLeft > 0,
            timeToBlockExpire: Math.ceil(blockLeft / 1000),
          };
        }
      } catch {
        // Redis failed or was too slow: this request is counted here.
      }
    }
    return this.fallback.increment(key, ttl, limit, blockDuration);
  }
}

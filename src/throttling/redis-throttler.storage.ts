import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { RedisConnection } from '../redis/redis.connection';
import { FixedWindowThrottlerStorage } from './fixed-window.storage';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * The hits of several keys, each key's hits counted one after the other as FixedWindowThrottlerStorage counts
 * them, with Redis's clock: a hit while blocked is not counted; the hit that goes over the limit is counted and
 * starts the block. Key i is KEYS[2i-1] (its hits in the window, expiring with the window) and KEYS[2i] (present
 * while it is blocked), with ARGV[4i-3..4i]: window ms, limit, block ms, hits. Answers four numbers per key: hits
 * before, hits counted, ms left in the window, ms left in the block (0: not blocked); -1 four times for a key whose
 * step failed (a key of another type in its place), which does not stop the others.
 */
const FIXED_WINDOW_SCRIPT = `
local function count(hitsKey, blockKey, windowMs, limit, blockMs, n)
  local blockedFor = redis.call('PTTL', blockKey)
  if blockedFor > 0 then
    local windowLeft = redis.call('PTTL', hitsKey)
    if windowLeft < 0 then windowLeft = windowMs end
    return tonumber(redis.call('GET', hitsKey) or '0'), 0, windowLeft, blockedFor
  end
  local hits = redis.call('INCRBY', hitsKey, n)
  local before = hits - n
  local counted = n
  if before > limit then
    counted = 1
  elseif before + n > limit + 1 then
    counted = limit + 1 - before
  end
  if counted < n then hits = redis.call('DECRBY', hitsKey, n - counted) end
  local windowLeft = redis.call('PTTL', hitsKey)
  if windowLeft < 0 then
    redis.call('PEXPIRE', hitsKey, windowMs)
    windowLeft = windowMs
  end
  if hits > limit then
    redis.call('SET', blockKey, '1', 'PX', blockMs)
    return before, counted, windowLeft, blockMs
  end
  return before, counted, windowLeft, 0
end
local answers = {}
for i = 1, #KEYS / 2 do
  local at = 4 * (i - 1)
  local ok, before, counted, windowLeft, blockLeft = pcall(count, KEYS[2 * i - 1], KEYS[2 * i],
    tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]), tonumber(ARGV[at + 3]), tonumber(ARGV[at + 4]))
  if not ok then before, counted, windowLeft, blockLeft = -1, -1, -1, -1 end
  answers[at + 1], answers[at + 2], answers[at + 3], answers[at + 4] = before, counted, windowLeft, blockLeft
end
return answers
`;

const COMMAND = 'portcullisFixedWindows';

type WithFixedWindows = Redis & {
  [COMMAND](keys: number, ...keysThenArgs: Array<string | number>): Promise<unknown>;
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

/** The script's four numbers for batch `index` of `batches`, when they are counts. */
function countsOf(answer: unknown, index: number, batches: number): number[] | null {
  if (!Array.isArray(answer) || answer.length !== 4 * batches) return null;
  const counts = answer.slice(4 * index, 4 * index + 4) as unknown[];
  return counts.every((item) => typeof item === 'number' && Number.isSafeInteger(item) && item >= 0)
    ? (counts as number[])
    : null;
}

/**
 * Rate-limit counters in Redis (REDIS_URL), shared by every instance: a client gets THROTTLE_LIMIT requests in
 * all, whichever instances answer them. The script is sent once per connection, then called by its hash
 * (EVALSHA).
 *
 * The hits that arrive in one turn of the event loop leave together at its end, in one script call, each hit
 * answered as if sent alone. Under load that saves most of what a call per request would cost (a round trip's
 * system calls and command handling here and in Redis), and a busy client (a gateway, a resource server calling
 * introspection) costs one count per turn, not one per request; a hit waits at most for the rest of the turn.
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
    redis.client?.defineCommand(COMMAND, { lua: FIXED_WINDOW_SCRIPT });
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

  /** Sends this turn's batches in one script call. */
  private send(): void {
    const batches = [...this.batches.values()];
    this.batches = new Map();
    const keys: string[] = [];
    const args: number[] = [];
    for (const { key, ttl, limit, blockDuration, settles } of batches) {
      // {…}: both keys of a client in one hash slot, as Redis Cluster would require of one client's keys.
      const hitsKey = `${this.prefix}{${key}}`;
      keys.push(hitsKey, `${hitsKey}:blocked`);
      args.push(ttl, limit, blockDuration, settles.length);
    }
    this.redis
      .run(async (client) => (client as WithFixedWindows)[COMMAND](keys.length, ...keys, ...args))
      .then(
        (answer) => {
          batches.forEach((batch, index) =>
            this.settle(batch, countsOf(answer, index, batches.length)),
          );
        },
        () => {
          for (const batch of batches) this.settle(batch, null);
        },
      );
  }

  /** Answers each hit of `batch` from the script's counts; null for each when Redis did not count them. */
  private settle({ limit, settles }: Batch, counts: number[] | null): void {
    const hits = settles.length;
    if (!counts || counts[1] > hits) {
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

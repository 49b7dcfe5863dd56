import { Logger } from '@nestjs/common';
import {
  closedPort,
  dropRedisKeys,
  eventually,
  rawRedis,
  redisProxy,
  redisSettings,
  requireRedis,
  uniqueRedisPrefix,
  type RedisProxy,
} from '../../test/support/redis';
import { SystemClock } from '../common/clock';
import { RedisConnection } from '../redis/redis.connection';
import { FixedWindowThrottlerStorage } from './fixed-window.storage';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(RedisThrottlerStorage.name, () => {
  let url: string;
  let prefix: string;
  const opened: Array<{ connection: RedisConnection; memory: FixedWindowThrottlerStorage }> = [];

  /** A storage on its own connection, as one instance of the server has. */
  async function storage(redisUrl = url) {
    const connection = new RedisConnection(redisSettings(redisUrl, prefix));
    const memory = new FixedWindowThrottlerStorage(new SystemClock());
    opened.push({ connection, memory });
    await connection.onModuleInit();
    return { sut: new RedisThrottlerStorage(connection, memory), connection, memory };
  }

  beforeAll(async () => {
    url = await requireRedis();
    // The outages these tests cause are logged; the connection's own spec checks those lines.
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());
  beforeEach(() => {
    prefix = uniqueRedisPrefix();
  });
  afterEach(async () => {
    for (const { connection, memory } of opened.splice(0)) {
      await connection.onApplicationShutdown();
      memory.onModuleDestroy();
    }
    await dropRedisKeys(prefix);
  });

  describe('increment', () => {
    it('counts hits in the window and blocks beyond the limit, as the in-process storage does', async () => {
      const { sut, memory } = await storage();
      for (let hit = 1; hit <= 3; hit += 1) {
        expect(await sut.increment('k', 60_000, 3, 60_000)).toEqual({
          totalHits: hit,
          timeToExpire: 60,
          isBlocked: false,
          timeToBlockExpire: 0,
        });
      }
      expect(await sut.increment('k', 60_000, 3, 30_000)).toEqual({
        totalHits: 4,
        timeToExpire: 60,
        isBlocked: true,
        timeToBlockExpire: 30,
      });
      // Blocked: further hits are not counted.
      expect(await sut.increment('k', 60_000, 3, 30_000)).toMatchObject({
        totalHits: 4,
        isBlocked: true,
      });
      expect(memory.size).toBe(0);
    });

    it('keeps keys apart', async () => {
      const { sut } = await storage();
      await sut.increment('a', 60_000, 1, 60_000);
      expect((await sut.increment('b', 60_000, 1, 60_000)).isBlocked).toBe(false);
    });

    it('stores the counter and the block under REDIS_PREFIX, expiring with the window and the block', async () => {
      const { sut } = await storage();
      await sut.increment('client', 60_000, 0, 30_000);
      const redis = rawRedis();
      try {
        const keys = (await redis.keys(`${prefix}*`)).sort();
        expect(keys).toEqual([`${prefix}throttle:{client}`, `${prefix}throttle:{client}:blocked`]);
        expect(await redis.pttl(keys[0])).toBeGreaterThan(59_000);
        expect(await redis.pttl(keys[1])).toBeGreaterThan(29_000);
        expect(await redis.pttl(keys[1])).toBeLessThanOrEqual(30_000);
      } finally {
        redis.disconnect();
      }
    });

    it('starts a new window after the ttl and lifts the block after its duration', async () => {
      const { sut } = await storage();
      await sut.increment('k', 300, 1, 600);
      expect((await sut.increment('k', 300, 1, 600)).isBlocked).toBe(true);
      await sleep(350);
      // The window ended, the block goes on.
      expect(await sut.increment('k', 300, 1, 600)).toMatchObject({
        totalHits: 0,
        isBlocked: true,
      });
      await sleep(300);
      expect(await sut.increment('k', 300, 1, 600)).toMatchObject({
        totalHits: 1,
        isBlocked: false,
      });
    });

    it('shares counts between instances', async () => {
      const first = await storage();
      const second = await storage();
      await first.sut.increment('shared', 60_000, 2, 60_000);
      await second.sut.increment('shared', 60_000, 2, 60_000);
      expect(await first.sut.increment('shared', 60_000, 2, 60_000)).toMatchObject({
        totalHits: 3,
        isBlocked: true,
      });
      expect((await second.sut.increment('shared', 60_000, 2, 60_000)).isBlocked).toBe(true);
    });

    describe('hits of one key that arrive together', () => {
      /** What the in-process storage answers for the same hits, one after the other. */
      async function oneByOne(
        hits: number,
        args: [number, number, number],
        before: (memory: FixedWindowThrottlerStorage) => Promise<void> = async () => undefined,
      ) {
        const memory = new FixedWindowThrottlerStorage(new SystemClock());
        try {
          await before(memory);
          const records = [];
          for (let hit = 0; hit < hits; hit += 1)
            records.push(await memory.increment('k', ...args));
          return records;
        } finally {
          memory.onModuleDestroy();
        }
      }
      const together = (sut: RedisThrottlerStorage, hits: number, args: [number, number, number]) =>
        Promise.all(Array.from({ length: hits }, () => sut.increment('k', ...args)));

      it('are answered as the in-process storage answers them one by one, in fewer calls', async () => {
        const { sut } = await storage();
        const redis = rawRedis();
        const monitor = await redis.monitor();
        let calls = 0;
        monitor.on('monitor', (_time: string, [command, ...args]: string[]) => {
          if (/^eval/i.test(command) && args.some((arg) => arg.startsWith(prefix))) calls += 1;
        });
        try {
          const args: [number, number, number] = [60_000, 5, 30_000];
          expect(await together(sut, 12, args)).toEqual(await oneByOne(12, args));
          expect(await together(sut, 3, args)).toEqual((await oneByOne(15, args)).slice(12));
          await eventually('the monitor saw the calls', () => calls >= 2);
          expect(calls).toBeLessThan(15);
        } finally {
          monitor.disconnect();
          redis.disconnect();
        }
      });

      it('count one hit, which blocks again, when the block ended but the window goes on', async () => {
        const { sut } = await storage();
        const args: [number, number, number] = [60_000, 2, 300];
        await together(sut, 3, args);
        await sleep(350);
        const records = await together(sut, 3, args);
        expect(records.map((record) => [record.totalHits, record.isBlocked])).toEqual([
          [4, true],
          [4, true],
          [4, true],
        ]);
        const memory = new FixedWindowThrottlerStorage(new SystemClock());
        try {
          for (let hit = 0; hit < 3; hit += 1) await memory.increment('k', ...args);
          await sleep(350);
          const expected = [];
          for (let hit = 0; hit < 3; hit += 1) expected.push(await memory.increment('k', ...args));
          expect(records).toEqual(expected);
        } finally {
          memory.onModuleDestroy();
        }
      });
    });

    it('sends the script once per connection, then calls it by its hash', async () => {
      const { sut } = await storage();
      const redis = rawRedis();
      const monitor = await redis.monitor();
      const seen: string[] = [];
      monitor.on('monitor', (_time: string, [command, ...args]: string[]) => {
        // The commands the script runs show too; only the calls of the script count here.
        if (/^eval/i.test(command) && args.some((arg) => arg.startsWith(prefix))) {
          seen.push(command.toLowerCase());
        }
      });
      try {
        for (let i = 0; i < 5; i += 1) await sut.increment(`k${i}`, 60_000, 10, 60_000);
        await eventually('the monitor saw the five calls', () => seen.length >= 5);
        expect(seen).toEqual(['eval', 'evalsha', 'evalsha', 'evalsha', 'evalsha']);
      } finally {
        monitor.disconnect();
        redis.disconnect();
      }
    });
  });

  describe('without Redis', () => {
    let proxy: RedisProxy | undefined;
    afterEach(async () => {
      await proxy?.close();
      proxy = undefined;
    });

    it('counts in this process while Redis is unreachable', async () => {
      const { sut, memory, connection } = await storage(`redis://127.0.0.1:${await closedPort()}`);
      expect(connection.up).toBe(false);
      expect((await sut.increment('k', 60_000, 1, 60_000)).isBlocked).toBe(false);
      expect((await sut.increment('k', 60_000, 1, 60_000)).isBlocked).toBe(true);
      expect(memory.size).toBe(1);
    });

    it.each([
      ['closes the connection', 'close'],
      ['answers junk', 'junk'],
      ['does not answer', 'stall'],
    ] as const)(
      'counts this request in this process when Redis %s during the increment',
      async (_, meddling) => {
        proxy = await redisProxy();
        const { sut, memory, connection } = await storage(proxy.url());
        expect(connection.up).toBe(true);
        proxy.meddle = (commands) => (/EVAL/i.test(commands) ? meddling : 'pass');
        expect(await sut.increment('k', 60_000, 5, 60_000)).toMatchObject({
          totalHits: 1,
          isBlocked: false,
        });
        expect(memory.size).toBe(1);
      },
    );

    it.each([
      '+OK\r\n',
      ':5\r\n',
      '*4\r\n:0\r\n:1\r\n:-5\r\n:0\r\n',
      '*4\r\n:0\r\n:9\r\n:5\r\n:0\r\n',
      '*1\r\n$-1\r\n',
    ])(
      'counts in this process when Redis answers the increment with something else than counts (%j)',
      async (answer) => {
        proxy = await redisProxy();
        const { sut, memory } = await storage(proxy.url());
        proxy.meddle = (commands) => (/EVAL/i.test(commands) ? { answer } : 'pass');
        expect(await sut.increment('k', 60_000, 5, 60_000)).toMatchObject({ totalHits: 1 });
        expect(memory.size).toBe(1);
      },
    );

    it('counts in this process when the script fails (a key of another type in its place)', async () => {
      const { sut, memory } = await storage();
      const redis = rawRedis();
      try {
        await redis.hset(`${prefix}throttle:{k}`, 'not', 'a counter');
      } finally {
        redis.disconnect();
      }
      expect(await sut.increment('k', 60_000, 5, 60_000)).toMatchObject({ totalHits: 1 });
      expect(memory.size).toBe(1);
    });
  });
});

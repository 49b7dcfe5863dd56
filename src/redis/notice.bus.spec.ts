import { Logger } from '@nestjs/common';
import { TestClock } from '../../test/support/clock';
import {
  eventually,
  rawRedis,
  redisProxy,
  redisSettings,
  requireRedis,
  uniqueRedisPrefix,
  type RedisProxy,
} from '../../test/support/redis';
import { CACHE_TTL_WITH_NOTICES_MS, NoticeBus, type NoticeChannel } from './notice.bus';
import { RedisConnection } from './redis.connection';

interface Ping {
  id: string;
}

const PINGS: NoticeChannel<Ping> = {
  name: 'tests.ping',
  parse: (value) => {
    const id = (value as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? { id } : undefined;
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(NoticeBus.name, () => {
  let url: string;
  let prefix: string;
  let proxy: RedisProxy;
  const connections: RedisConnection[] = [];

  /** One instance's bus, with what it received on PINGS; `null`: without REDIS_URL. */
  async function instance(redisUrl: string | null = url, clock = new TestClock()) {
    const connection = new RedisConnection(redisSettings(redisUrl ?? undefined, prefix));
    connections.push(connection);
    const sut = new NoticeBus(connection, clock);
    const received: string[] = [];
    sut.subscribe(PINGS, ({ id }) => received.push(id));
    await connection.onModuleInit();
    return { sut, received, connection, clock };
  }

  beforeAll(async () => {
    url = await requireRedis();
  });
  beforeEach(async () => {
    prefix = uniqueRedisPrefix();
    proxy = await redisProxy();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    for (const connection of connections.splice(0)) await connection.onApplicationShutdown();
    await proxy?.close();
    jest.restoreAllMocks();
  });

  it('without REDIS_URL: publishing does nothing and never fails, and caches keep their own lifetime', async () => {
    const { sut } = await instance(null);
    await expect(sut.publish(PINGS, { id: 'x' })).resolves.toBeUndefined();
    expect(sut.delivering).toBe(false);
    expect(sut.cacheTtl(1000)).toBe(1000);
  });

  it('delivers a notice to the other instances, and not back to its sender', async () => {
    const a = await instance();
    const b = await instance();
    await a.sut.publish(PINGS, { id: 'from-a' });
    await eventually('b received it', () => b.received.length === 1);
    expect(b.received).toEqual(['from-a']);
    await b.sut.publish(PINGS, { id: 'from-b' });
    await eventually('a received it', () => a.received.length === 1);
    expect(a.received).toEqual(['from-b']);
    expect(b.received).toEqual(['from-a']);
  });

  it('keeps deployments with different prefixes apart', async () => {
    const a = await instance();
    prefix = uniqueRedisPrefix();
    const other = await instance();
    const b = await instance();
    await a.sut.publish(PINGS, { id: 'for-a-deployment' });
    await b.sut.publish(PINGS, { id: 'for-the-other' });
    await eventually('other received its own deployment notice', () => other.received.length === 1);
    expect(other.received).toEqual(['for-the-other']);
  });

  it('ignores messages that are not notices of the expected shape', async () => {
    const b = await instance();
    const redis = rawRedis();
    const channel = `${prefix}notice:${PINGS.name}`;
    try {
      for (const message of [
        'not json',
        '',
        'null',
        '[]',
        '{"notice":{"id":"no-sender"}}',
        '{"from":"someone"}',
        '{"from":"someone","notice":{"id":42}}',
        '{"from":"someone","notice":null}',
        `{"from":"someone","notice":{"id":"${'x'.repeat(5000)}"}}`,
        '\u0000\u00ff\ud800',
      ]) {
        await redis.publish(channel, message);
      }
      await redis.publish(channel, '{"from":"someone","notice":{"id":"well-formed"}}');
      await eventually('the well-formed one arrived', () => b.received.length > 0);
      expect(b.received).toEqual(['well-formed']);
    } finally {
      redis.disconnect();
    }
  });

  it('tells whether notices are delivered, and when that changes', async () => {
    const b = await instance(proxy.url());
    const changes: boolean[] = [];
    b.sut.onDeliveryChange((delivering) => changes.push(delivering));
    expect(b.sut.delivering).toBe(true);
    expect(b.sut.cacheTtl(1000)).toBe(CACHE_TTL_WITH_NOTICES_MS);
    proxy.cut();
    await eventually('delivery stopped', () => !b.sut.delivering);
    expect(b.sut.cacheTtl(1000)).toBe(1000);
    proxy.restore();
    await eventually('delivery resumed', () => b.sut.delivering);
    expect(changes).toEqual([false, true]);
  });

  it('sends a notice it could not send once Redis is back, unless it is too old to matter', async () => {
    const a = await instance(proxy.url());
    const b = await instance();
    proxy.cut();
    await eventually('a lost Redis', () => !a.sut.delivering);
    await a.sut.publish(PINGS, { id: 'too-old' });
    a.clock.advance(CACHE_TTL_WITH_NOTICES_MS + 1);
    await a.sut.publish(PINGS, { id: 'kept-1' });
    await a.sut.publish(PINGS, { id: 'kept-2' });
    await sleep(100);
    expect(b.received).toEqual([]);
    proxy.restore();
    await eventually('b received the kept notices', () => b.received.length >= 2);
    await a.sut.publish(PINGS, { id: 'after' });
    await eventually('b received the next one', () => b.received.length >= 3);
    expect(b.received).toEqual(['kept-1', 'kept-2', 'after']);
  });
});

import { Logger } from '@nestjs/common';
import {
  closedPort,
  eventually,
  fakeRedis,
  redisProxy,
  redisSettings,
  requireRedis,
  uniqueRedisPrefix,
  type RedisProxy,
} from '../../test/support/redis';
import { RedisConnection, redisEndpoint } from './redis.connection';

describe(RedisConnection.name, () => {
  let proxy: RedisProxy;
  let sut: RedisConnection | undefined;
  let warnings: string[];
  let infos: string[];

  /** As in the server: the channels are known before the connections open. */
  const connect = async (redisUrl: string, channels = ['a-channel']) => {
    sut = new RedisConnection(redisSettings(redisUrl, uniqueRedisPrefix()));
    for (const channel of channels) sut.listen(channel);
    await sut.onModuleInit();
    return sut;
  };

  beforeAll(async () => {
    await requireRedis();
  });
  beforeEach(async () => {
    proxy = await redisProxy();
    warnings = [];
    infos = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => {
      infos.push(String(message));
    });
  });
  afterEach(async () => {
    await sut?.onApplicationShutdown();
    sut = undefined;
    await proxy?.close();
    jest.restoreAllMocks();
  });

  describe('without REDIS_URL', () => {
    it('opens no connection and is never up', async () => {
      sut = new RedisConnection(redisSettings(undefined, 'portcullis:'));
      await sut.onModuleInit();
      expect({ configured: sut.configured, up: sut.up, client: sut.client }).toEqual({
        configured: false,
        up: false,
        client: null,
      });
      await expect(sut.run((client) => client.ping())).rejects.toThrow('REDIS_URL is not set');
    });
  });

  describe('with REDIS_URL', () => {
    it('is up once connected, runs commands, and closes both connections on shutdown', async () => {
      const connection = await connect(proxy.url());
      expect(connection.up).toBe(true);
      expect(await connection.run((client) => client.ping())).toBe('PONG');
      expect(proxy.openConnections()).toBe(2);
      await connection.onApplicationShutdown();
      await eventually('both connections closed', () => proxy.openConnections() === 0);
      expect(connection.up).toBe(false);
    });

    it('starts without Redis when nothing listens, and says so once', async () => {
      const connection = await connect(`redis://127.0.0.1:${await closedPort()}`);
      expect(connection.up).toBe(false);
      // Several reconnection attempts fail meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/unreachable \(connect ECONNREFUSED/);
    });

    it('starts without Redis, and says so once, when the server takes the connection but never answers', async () => {
      const silent = await fakeRedis('');
      try {
        const connection = await connect(silent.url);
        expect(connection.up).toBe(false);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain('not ready within 2 s');
        // The watchdog replaces the silent connection meanwhile; that is the same outage.
        await new Promise((resolve) => setTimeout(resolve, 2500));
        expect(warnings).toHaveLength(1);
      } finally {
        await sut?.onApplicationShutdown();
        sut = undefined;
        await silent.close();
      }
    });

    it('warns once per outage, saying what keeps working, and says once when Redis is back', async () => {
      const connection = await connect(proxy.url());
      const changes: boolean[] = [];
      connection.onChange((up) => changes.push(up));
      expect(warnings).toEqual([]);

      proxy.cut();
      await eventually('down', () => !connection.up);
      // Reconnection attempts keep failing for a while (100, 200, 400 ms apart...).
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`Redis at ${redisEndpoint(proxy.url())} is unreachable`);
      expect(warnings[0]).toContain('rate limits hold per instance');
      expect(warnings[0]).toContain(
        'revocations reach other instances through their database checks',
      );

      proxy.restore();
      await eventually('up again', () => connection.up);
      expect(infos.filter((line) => line.includes('answers again'))).toHaveLength(1);

      proxy.cut();
      await eventually('down again', () => !connection.up);
      expect(warnings).toHaveLength(2);
      expect(changes).toEqual([false, true, false]);
    });

    it('never logs the password of REDIS_URL', async () => {
      const junk = await fakeRedis('garbage\r\n');
      try {
        const withPassword = junk.url.replace('//', '//portcullis:s3cret-pw@');
        const connection = await connect(withPassword);
        await eventually('the outage is logged', () => warnings.length > 0);
        expect(connection.up).toBe(false);
        expect(warnings.join('\n')).not.toContain('s3cret-pw');
        expect(warnings[0]).toContain(`Redis at ${redisEndpoint(withPassword)}`);
        expect(redisEndpoint(withPassword)).toBe(redisEndpoint(junk.url));
      } finally {
        await sut?.onApplicationShutdown();
        sut = undefined;
        await junk.close();
      }
    });

    it.each([
      ['OK', '+OK\r\n'],
      ['PONG', '+PONG\r\n'],
      ['an array holding nil', '*1\r\n$-1\r\n'],
      ['an integer', ':5\r\n'],
      ['a message without its parts', '*3\r\n$7\r\nmessage\r\n$-1\r\n$-1\r\n'],
    ])(
      'stays down, and the process runs on, when the server answers everything with %s',
      async (_, reply) => {
        const fake = await fakeRedis(reply);
        try {
          const connection = await connect(fake.url);
          await new Promise((resolve) => setTimeout(resolve, 500));
          // Had ioredis thrown in its socket listener, this process (and so this test) would have ended; the
          // subscriber never gets its subscription confirmed, so notices are not taken for delivered.
          expect(connection.up).toBe(false);
        } finally {
          await sut?.onApplicationShutdown();
          sut = undefined;
          await fake.close();
        }
      },
    );

    it('replaces a connection that stops answering, and is up again on the new one', async () => {
      const connection = await connect(proxy.url());
      const changes: boolean[] = [];
      connection.onChange((up) => changes.push(up));
      let stalled = false;
      proxy.meddle = (commands) => {
        // The first PING stalls its connection for good; connections opened after that are served.
        if (!stalled && /PING/i.test(commands)) {
          stalled = true;
          return 'stall';
        }
        return 'pass';
      };
      await eventually('down, then up again', () => changes.join() === 'false,true', 15_000);
      expect(connection.up).toBe(true);
      expect(await connection.run((client) => client.ping())).toBe('PONG');
    });
  });
});

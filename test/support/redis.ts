import { randomBytes } from 'node:crypto';
import { createServer, Socket, type Server } from 'node:net';
import Redis from 'ioredis';
import type { AppConfigService } from '../../src/config';

/** The Redis server the tests use: TEST_REDIS_URL, or the local default. */
export const testRedisUrl = (): string => process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * Checks that Redis answers at TEST_REDIS_URL, and fails, saying what is needed, when it does not: a suite about
 * Redis never passes (or skips) without one.
 */
export async function requireRedis(): Promise<string> {
  const url = testRedisUrl();
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let cause: Error | undefined;
  client.on('error', (error: Error) => (cause ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(
      `these tests need Redis at ${url} (${(cause ?? (error as Error)).message}): start it with ` +
        'redis-server, or set TEST_REDIS_URL=redis://host:port',
    );
  } finally {
    client.disconnect();
  }
  return url;
}

/** A key and channel prefix of its own (REDIS_PREFIX), so that tests and parallel runs never share counters. */
export const uniqueRedisPrefix = (): string => `portcullis-test:${randomBytes(6).toString('hex')}:`;

/** The settings a RedisConnection reads (REDIS_URL, REDIS_PREFIX), for unit specs that build one. */
export const redisSettings = (url: string | undefined, prefix: string): AppConfigService =>
  ({ section: () => ({ url, prefix }) }) as unknown as AppConfigService;

/** A plain client on the test Redis, for a test to publish or read on its own; disconnect it afterwards. */
export function rawRedis(): Redis {
  const client = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  return client;
}

/** Deletes every key under `prefix`. */
export async function dropRedisKeys(prefix: string): Promise<void> {
  const client = rawRedis();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/** A port of 127.0.0.1 where nothing listens (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/**
 * A server that speaks no Redis: it answers whatever it is sent with `reply` (raw bytes: junk, or well-formed
 * replies of the wrong shape).
 */
export async function fakeRedis(reply: string): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', () => socket.write(reply));
  });
  const port = await listen(server);
  return {
    url: `redis://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * What the proxy does with a chunk a client sends: pass it on; answer junk instead; answer `{answer}` (raw RESP,
 * well-formed but not what the command expects); close the connection; or stall it (nothing more goes either way
 * on that connection, as with a hung server).
 */
export type Meddling = 'pass' | 'junk' | 'close' | 'stall' | { answer: string };

export interface RedisProxy {
  /** REDIS_URL through the proxy (`password`, when given, goes into the URL). */
  url(password?: string): string;
  /** Decides, per chunk a client sends (the raw RESP text of its commands), what happens to it. */
  meddle: (commands: string) => Meddling;
  /** Redis is gone: every connection is destroyed and new ones are refused until `restore`. */
  cut(): void;
  restore(): void;
  /** Client connections open through the proxy now. */
  openConnections(): number;
  close(): Promise<void>;
}

/** A TCP proxy in front of the test Redis that a test can cut, or make misbehave. */
export async function redisProxy(): Promise<RedisProxy> {
  const target = new URL(testRedisUrl());
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();
  let open = true;
  const proxy: RedisProxy = {
    url: (password) => `redis://${password ? `:${password}@` : ''}127.0.0.1:${port}`,
    meddle: () => 'pass',
    cut: () => {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore: () => {
      open = true;
    },
    openConnections: () => clients.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = createServer((client) => {
    if (!open) return client.destroy();
    clients.add(client);
    client.on('close', () => clients.delete(client));
    const upstream = new Socket();
    upstream.connect(Number(target.port || 6379), target.hostname);
    let stalled = false;
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => socket.destroy());
    }
    client.on('data', (chunk) => {
      if (stalled) return;
      const action = proxy.meddle(chunk.toString('latin1'));
      if (action === 'pass') upstream.write(chunk);
      else if (action === 'junk') client.write('garbage from a broken server\r\n');
      else if (action === 'close') client.destroy();
      else if (action === 'stall') stalled = true;
      else client.write(action.answer);
    });
    upstream.on('data', (chunk) => {
      if (!stalled) client.write(chunk);
    });
  });
  const port = await listen(server);
  return proxy;
}

/** Polls `check` every 25 ms until it holds, for at most `timeoutMs`; fails with `what` otherwise. */
export async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

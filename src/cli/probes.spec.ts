import { createServer, type Server, type Socket } from 'node:net';
import { pingRedis } from './probes';

/** A stand-in Redis that records what it receives and, once something arrives, sends `answers`. */
async function fakeRedis(
  answers: string[],
): Promise<{ url: string; received: () => string; close: () => Promise<void> }> {
  let received = '';
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => socket.write(answers.join('')));
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    received: () => received,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

describe('pingRedis', () => {
  it('sends PING and accepts +PONG', async () => {
    const redis = await fakeRedis(['+PONG\r\n']);
    try {
      await pingRedis(redis.url);
      expect(redis.received()).toBe('*1\r\n$4\r\nPING\r\n');
    } finally {
      await redis.close();
    }
  });

  it('authenticates first when the URL has credentials (user and password, as RESP bulk strings)', async () => {
    const redis = await fakeRedis(['+OK\r\n', '+PONG\r\n']);
    try {
      await pingRedis(redis.url.replace('//', '//ops:p%40ss%20word@'));
      expect(redis.received()).toBe(
        '*3\r\n$4\r\nAUTH\r\n$3\r\nops\r\n$9\r\np@ss word\r\n*1\r\n$4\r\nPING\r\n',
      );
    } finally {
      await redis.close();
    }
  });

  it('fails with what the server answered instead', async () => {
    const redis = await fakeRedis(['-WRONGPASS invalid username-password pair\r\n', '+PONG\r\n']);
    try {
      await expect(pingRedis(redis.url.replace('//', '//:nope@'))).rejects.toThrow(
        'answered "-WRONGPASS invalid username-password pair" instead of +OK',
      );
    } finally {
      await redis.close();
    }
  });

  it('fails when the server never answers', async () => {
    const redis = await fakeRedis([]);
    try {
      await expect(pingRedis(redis.url, 50)).rejects.toThrow('no answer within 0.05 s');
    } finally {
      await redis.close();
    }
  });
});

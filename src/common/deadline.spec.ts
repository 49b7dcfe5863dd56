import { DeadlineExceededError, withDeadline } from './deadline';

const never = () => new Promise<never>(() => undefined);

describe(withDeadline.name, () => {
  it('answers what the work answers in time', async () => {
    expect(await withDeadline(Promise.resolve('done'), 50)).toBe('done');
    await expect(withDeadline(Promise.reject(new Error('refused')), 50)).rejects.toThrow('refused');
  });

  it('fails with DeadlineExceededError when the work takes longer', async () => {
    await expect(withDeadline(never(), 20)).rejects.toBeInstanceOf(DeadlineExceededError);
  });

  it('still takes an answer that arrived while the event loop was blocked past the deadline', async () => {
    const { createServer, connect } = await import('node:net');
    const server = createServer((socket) => socket.end('pong'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const socket = connect((server.address() as { port: number }).port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      const answer = new Promise<string>((resolve) =>
        socket.once('data', (data) => resolve(String(data))),
      );
      const sut = withDeadline(answer, 20);
      // The loop is busy for longer than the deadline while the answer arrives.
      const until = Date.now() + 100;
      while (Date.now() < until);
      expect(await sut).toBe('pong');
      socket.destroy();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

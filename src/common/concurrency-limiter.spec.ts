import { ConcurrencyLimiter, QueueFullError } from './concurrency-limiter';

describe(ConcurrencyLimiter.name, () => {
  describe('run', () => {
    it('never runs more than the limit at once, and runs everything', async () => {
      const sut = new ConcurrencyLimiter(2);
      let running = 0;
      let peak = 0;
      const task = async (value: number) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        return value;
      };
      const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => sut.run(() => task(n))));
      expect(results).toEqual([1, 2, 3, 4, 5, 6]);
      expect(peak).toBe(2);
    });

    it('frees its slot when a task fails', async () => {
      const sut = new ConcurrencyLimiter(1);
      await expect(sut.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      await expect(sut.run(() => Promise.resolve('next'))).resolves.toBe('next');
    });

    it('refuses a limit below one', () => {
      expect(() => new ConcurrencyLimiter(0)).toThrow(RangeError);
    });
  });
});

describe('ConcurrencyLimiter with a bounded queue', () => {
  it('refuses at once beyond maxWaiting, and accepts again when the queue drains', async () => {
    const sut = new ConcurrencyLimiter(1, 1);
    let release!: () => void;
    const blocker = sut.run(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = sut.run(() => Promise.resolve('queued'));
    await expect(sut.run(() => Promise.resolve('refused'))).rejects.toBeInstanceOf(QueueFullError);
    release();
    await blocker;
    await expect(queued).resolves.toBe('queued');
    await expect(sut.run(() => Promise.resolve('after'))).resolves.toBe('after');
  });
});

import { ConcurrencyLimiter, QueueFullError, WaitTimeoutError } from './concurrency-limiter';

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

describe('ConcurrencyLimiter with a bounded wait', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fails a task that waited past maxWaitMs, without running it, and keeps the slots right', async () => {
    const sut = new ConcurrencyLimiter(1);
    let release!: () => void;
    const blocker = sut.run(() => new Promise<void>((resolve) => (release = resolve)));
    const ran: string[] = [];
    const late = sut.run(async () => ran.push('late'), 100);
    const patient = sut.run(async () => ran.push('patient'));
    const failure = expect(late).rejects.toEqual(new WaitTimeoutError(100));
    await jest.advanceTimersByTimeAsync(99);
    expect(ran).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await failure;
    release();
    await blocker;
    await patient;
    expect(ran).toEqual(['patient']);
    // The slot was handed back once: two tasks may not run together afterwards.
    let running = 0;
    let peak = 0;
    const task = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await Promise.resolve();
      running -= 1;
    };
    await Promise.all([sut.run(task), sut.run(task), sut.run(task)]);
    expect(peak).toBe(1);
  });

  it('runs a task whose turn comes before maxWaitMs, and its timer never fires', async () => {
    const sut = new ConcurrencyLimiter(1);
    let release!: () => void;
    const blocker = sut.run(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = sut.run(() => Promise.resolve('in time'), 100);
    await jest.advanceTimersByTimeAsync(50);
    release();
    await blocker;
    await expect(queued).resolves.toBe('in time');
    expect(jest.getTimerCount()).toBe(0);
  });
});

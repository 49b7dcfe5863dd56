/** Thrown by ConcurrencyLimiter.run when its queue is full. */
export class QueueFullError extends Error {
  constructor() {
    super('too many tasks waiting');
    this.name = 'QueueFullError';
  }
}

/** Thrown by ConcurrencyLimiter.run when a task waited longer than its `maxWaitMs` for its turn. */
export class WaitTimeoutError extends Error {
  constructor(readonly waitedMs: number) {
    super(`waited ${waitedMs} ms for a turn`);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Runs at most `limit` tasks at once; up to `maxWaiting` more wait in arrival order, and beyond that `run` fails
 * at once with QueueFullError rather than letting the wait (and memory) grow without bound. A task may also bound
 * its own wait (`maxWaitMs`): past it, it leaves the queue and `run` fails with WaitTimeoutError. Used by
 * HashingPool (one job per hashing process, and a bounded backlog behind them) and by the SQLite write turns.
 */
export class ConcurrencyLimiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly limit: number,
    readonly maxWaiting = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError('limit must be a positive integer');
  }

  async run<T>(task: () => Promise<T>, maxWaitMs = Number.POSITIVE_INFINITY): Promise<T> {
    if (this.running < this.limit) {
      this.running += 1;
    } else {
      if (this.waiting.length >= this.maxWaiting) throw new QueueFullError();
      await this.turn(maxWaitMs);
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /** Resolves when a finishing task hands its slot over, or fails after `maxWaitMs` (no timer when unbounded). */
  private turn(maxWaitMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (maxWaitMs === Number.POSITIVE_INFINITY) {
        this.waiting.push(resolve);
        return;
      }
      const handOver = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(handOver), 1);
        reject(new WaitTimeoutError(maxWaitMs));
      }, maxWaitMs);
      this.waiting.push(handOver);
    });
  }
}

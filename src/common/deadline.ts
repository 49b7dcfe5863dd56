/** Thrown by withDeadline when the work did not settle in time. */
export class DeadlineExceededError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * `work`, or a DeadlineExceededError once `ms` have passed without it settling (the work itself goes on; its late
 * outcome is dropped). When the timer fires, the decision waits for the I/O the event loop has already received:
 * after a stall of the loop (a long synchronous task), an answer that arrived in time is not mistaken for none.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    // Poll (socket reads) runs before setImmediate callbacks in each turn of the loop.
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (settled) return;
          settled = true;
          reject(new DeadlineExceededError(ms));
        }),
      ms,
    );
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

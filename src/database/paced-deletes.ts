import { setTimeout as sleep } from 'node:timers/promises';

/** Rows a clean-up job deletes per statement. */
export const CLEANUP_BATCH = 200;
/** After each batch a clean-up job waits this many times as long as the batch took. */
export const CLEANUP_PAUSE_FACTOR = 3;

/**
 * Runs `deleteBatch(limit)` until a batch deletes fewer than `limit` rows, and answers the total deleted. After each
 * full batch it pauses three times as long as the batch took, so a backlog of old rows (never urgent) has the
 * database a quarter of the time at most: on SQLite a statement runs on the event loop's thread, and requests wait
 * while it runs.
 */
export async function deleteInPacedBatches(
  deleteBatch: (limit: number) => Promise<number>,
  limit = CLEANUP_BATCH,
  pause: (ms: number) => Promise<unknown> = sleep,
): Promise<number> {
  let total = 0;
  for (;;) {
    const started = performance.now();
    const deleted = await deleteBatch(limit);
    total += deleted;
    if (deleted < limit) return total;
    await pause(CLEANUP_PAUSE_FACTOR * (performance.now() - started));
  }
}

import { CLEANUP_BATCH, deleteInPacedBatches } from './paced-deletes';

describe('deleteInPacedBatches', () => {
  it('deletes batch after batch until one comes back short, and answers the total', async () => {
    const batches = [3, 3, 1];
    const limits: number[] = [];
    const total = await deleteInPacedBatches(
      (limit) => {
        limits.push(limit);
        return Promise.resolve(batches.shift() ?? 0);
      },
      3,
      () => Promise.resolve(),
    );
    expect(total).toBe(7);
    expect(limits).toEqual([3, 3, 3]);
  });

  it('after each full batch, pauses three times as long as the batch took; none after the last', async () => {
    const pauses: number[] = [];
    const full = () => new Promise<number>((done) => setTimeout(() => done(2), 20));
    const batches = [full, full, () => Promise.resolve(0)];
    await deleteInPacedBatches(
      () => batches.shift()!(),
      2,
      (ms) => {
        pauses.push(ms);
        return Promise.resolve();
      },
    );
    expect(pauses).toHaveLength(2);
    // A timer of 20 ms fires after at least 20 ms: the pause is at least three times that.
    for (const ms of pauses) expect(ms).toBeGreaterThanOrEqual(3 * 19);
  });

  it('deletes CLEANUP_BATCH rows per statement unless told otherwise', async () => {
    const limits: number[] = [];
    await deleteInPacedBatches((limit) => {
      limits.push(limit);
      return Promise.resolve(0);
    });
    expect(limits).toEqual([CLEANUP_BATCH]);
  });
});

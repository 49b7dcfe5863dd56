import { SystemClock } from '../common/clock';
import { FixedWindowThrottlerStorage } from './fixed-window.storage';

describe(FixedWindowThrottlerStorage.name, () => {
  let sut: FixedWindowThrottlerStorage;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    // The system clock reads Date.now(), which the fake timers move.
    sut = new FixedWindowThrottlerStorage(new SystemClock());
  });
  afterEach(() => {
    sut.onModuleDestroy();
    jest.useRealTimers();
  });

  describe('increment', () => {
    it('counts hits in the window and blocks beyond the limit', async () => {
      for (let hit = 1; hit <= 3; hit += 1) {
        expect(await sut.increment('k', 60_000, 3, 60_000)).toMatchObject({
          totalHits: hit,
          isBlocked: false,
          timeToExpire: 60,
        });
      }
      expect(await sut.increment('k', 60_000, 3, 60_000)).toMatchObject({
        totalHits: 4,
        isBlocked: true,
        timeToBlockExpire: 60,
      });
    });

    it('keeps keys apart', async () => {
      await sut.increment('a', 60_000, 1, 60_000);
      expect((await sut.increment('b', 60_000, 1, 60_000)).isBlocked).toBe(false);
    });

    it('starts a new window after the ttl and lifts the block after its duration', async () => {
      await sut.increment('k', 10_000, 1, 20_000);
      expect((await sut.increment('k', 10_000, 1, 20_000)).isBlocked).toBe(true);
      jest.advanceTimersByTime(15_000);
      expect(await sut.increment('k', 10_000, 1, 20_000)).toMatchObject({
        isBlocked: true,
        timeToBlockExpire: 5,
      });
      jest.advanceTimersByTime(5_000);
      expect(await sut.increment('k', 10_000, 1, 20_000)).toMatchObject({
        isBlocked: false,
        totalHits: 1,
      });
    });

    it('keeps one counter per key however many hits it takes', async () => {
      for (let i = 0; i < 10_000; i += 1) await sut.increment('busy', 60_000, 1_000_000, 60_000);
      expect(sut.size).toBe(1);
      expect((await sut.increment('busy', 60_000, 1_000_000, 60_000)).totalHits).toBe(10_001);
    });
  });

  describe('sweep', () => {
    it('forgets ended windows but keeps blocks', async () => {
      await sut.increment('ended', 1_000, 5, 1_000);
      await sut.increment('blocked', 1_000, 0, 60_000);
      jest.advanceTimersByTime(2_000);
      sut.sweep();
      expect(sut.size).toBe(1);
      expect((await sut.increment('blocked', 1_000, 0, 60_000)).isBlocked).toBe(true);
    });
  });
});

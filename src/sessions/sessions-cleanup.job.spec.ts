import { Clock } from '../common/clock';
import type { JobLeases } from '../database/job-leases';
import { SessionsCleanupJob } from './sessions-cleanup.job';
import type { SessionsService } from './sessions.service';

function newJob(steps: Array<{ deleted: number; next: number | null }>, ended: number[]) {
  const mocks = {
    sessions: {
      purgeEndedSessions: jest.fn(() => Promise.resolve(ended.shift() ?? 0)),
      purgeStaleTokens: jest.fn(() => Promise.resolve(steps.shift() ?? { deleted: 0, next: null })),
    },
    leases: { acquire: jest.fn(() => Promise.resolve(true)) },
  };
  const clock = new SteppingClock();
  const sut = new SessionsCleanupJob(
    mocks.sessions as unknown as SessionsService,
    mocks.leases as unknown as JobLeases,
    clock,
  );
  return { sut, mocks, clock };
}

/** A clock that moves `step` ms each time it is read. */
class SteppingClock extends Clock {
  private at = 1_000_000;
  step = 0;

  now(): number {
    this.at += this.step;
    return this.at;
  }
}

describe(SessionsCleanupJob.name, () => {
  describe('run', () => {
    it('deletes ended sessions while batches come back full, then walks the stale tokens to the end', async () => {
      const { sut, mocks } = newJob(
        [
          { deleted: 40, next: 1000 },
          { deleted: 0, next: 2000 },
          { deleted: 7, next: null },
        ],
        [100, 100, 30],
      );
      const log = jest.spyOn(sut['logger'], 'log').mockImplementation(() => undefined);
      expect(await sut.run()).toBe(230 + 47);
      expect(log.mock.calls).toEqual([['deleted 230 ended sessions and 47 stale refresh tokens']]);
      expect(mocks.sessions.purgeEndedSessions).toHaveBeenCalledTimes(3);
      expect(mocks.sessions.purgeStaleTokens.mock.calls).toEqual([
        [100, 0],
        [100, 1000],
        [100, 2000],
      ]);
    });

    it('says what it deleted, stale tokens alone included, and stays quiet when there was nothing', async () => {
      const quiet = newJob([], []);
      const silent = jest.spyOn(quiet.sut['logger'], 'log').mockImplementation(() => undefined);
      expect(await quiet.sut.run()).toBe(0);
      expect(silent).not.toHaveBeenCalled();

      const tokensOnly = newJob([{ deleted: 7, next: null }], []);
      const log = jest.spyOn(tokensOnly.sut['logger'], 'log').mockImplementation(() => undefined);
      expect(await tokensOnly.sut.run()).toBe(7);
      expect(log.mock.calls).toEqual([['deleted 0 ended sessions and 7 stale refresh tokens']]);
    });

    it('does nothing while another run of this instance is still going', async () => {
      const { sut, mocks } = newJob([], []);
      const first = sut.run();
      expect(await sut.run()).toBe(0);
      await first;
      expect(mocks.leases.acquire).toHaveBeenCalledTimes(1);
      // Once it has ended, the next run goes ahead.
      await sut.run();
      expect(mocks.leases.acquire).toHaveBeenCalledTimes(2);
    });

    it('renews its lease once a minute through a long backlog, and stops when another instance took it', async () => {
      const { sut, mocks, clock } = newJob([], [100, 100, 100, 100, 100, 100]);
      clock.step = 25_000;
      mocks.leases.acquire
        .mockResolvedValueOnce(true)
        .mockResolvedValueOnce(true)
        .mockResolvedValueOnce(false);
      // Each read of the clock moves it 25 s: taken, then renewed once more than a minute has passed (after three
      // batches), then lost at the next renewal (after two more).
      expect(await sut.run()).toBe(500);
      expect(mocks.leases.acquire).toHaveBeenCalledTimes(3);
      expect(mocks.leases.acquire.mock.calls[1]).toEqual(['sessions-cleanup', 300]);
      expect(mocks.sessions.purgeStaleTokens).not.toHaveBeenCalled();
    });

    it('does nothing when another instance holds the lease', async () => {
      const { sut, mocks } = newJob([], [100]);
      mocks.leases.acquire.mockResolvedValueOnce(false);
      expect(await sut.run()).toBe(0);
      expect(mocks.sessions.purgeEndedSessions).not.toHaveBeenCalled();
    });
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueFullError } from '../common/concurrency-limiter';
import { HASHING_NICENESS, HashingPool, HashingUnavailableError, SCHED_IDLE } from './hashing-pool';

const options = { memoryCost: 8192, timeCost: 1, parallelism: 1 };
/** The scheduling policy of every thread of a process (Linux: field 41 of /proc/<pid>/task/<tid>/stat). */
const threadPolicies = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
  });
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe(HashingPool.name, () => {
  let sut: HashingPool;

  beforeEach(async () => {
    sut = new HashingPool(2, 10);
    await sut.start();
  });
  afterEach(async () => {
    await sut.stop();
  });

  describe('run', () => {
    it('hashes and verifies argon2id in separate low-priority processes', async () => {
      const hash = (await sut.run({ op: 'hash', password: 'a passphrase', options })) as string;
      expect(hash).toMatch(/^\$argon2id\$v=19\$m=8192,p=1,t=1\$/);
      await expect(sut.run({ op: 'verify', hash, password: 'a passphrase' })).resolves.toBe(true);
      await expect(sut.run({ op: 'verify', hash, password: 'another one' })).resolves.toBe(false);
      expect(sut.pids).toHaveLength(2);
      expect(sut.pids).not.toContain(process.pid);
    });

    it('runs every thread of its processes at nice 19 and the idle scheduling policy', async () => {
      if (spawnSync('chrt', ['--version']).status !== 0)
        throw new Error(
          "this test needs util-linux's chrt on the PATH (apt-get install util-linux)",
        );
      // A job first, so that the thread argon2 runs on exists too.
      await Promise.all(
        [1, 2, 3, 4].map((i) => sut.run({ op: 'hash', password: `${i}`, options })),
      );
      for (const pid of sut.pids) {
        expect(getPriority(pid)).toBe(HASHING_NICENESS);
        const policies = threadPolicies(pid);
        expect(policies.length).toBeGreaterThan(1);
        expect(policies).toEqual(policies.map(() => SCHED_IDLE));
      }
      expect(threadPolicies(process.pid)).not.toContain(SCHED_IDLE);
    });

    it('stays at nice 19 when the idle policy cannot be set (no chrt)', async () => {
      const pool = new HashingPool(1, 10, join(mkdtempSync(join(tmpdir(), 'no-chrt-')), 'chrt'));
      try {
        await pool.start();
        await expect(pool.run({ op: 'hash', password: 'x', options })).resolves.toMatch(
          /^\$argon2id/,
        );
        const [pid] = pool.pids;
        expect(getPriority(pid)).toBe(HASHING_NICENESS);
        expect(threadPolicies(pid)).not.toContain(SCHED_IDLE);
      } finally {
        await pool.stop();
      }
    });

    it('runs jobs in parallel on every process', async () => {
      const hashes = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          sut.run({ op: 'hash', password: `password ${i}`, options }),
        ),
      );
      expect(new Set(hashes).size).toBe(6);
    });

    it('fails the job of a process that dies, and replaces the process', async () => {
      // Long enough (a few hundred ms) that the process is still hashing when it is killed, and only one job: nothing
      // is left running after the test.
      const heavy = { memoryCost: 65536, timeCost: 4, parallelism: 1 };
      const [first] = sut.pids;
      const doomed = sut.run({ op: 'hash', password: 'x', options: heavy });
      await expect(Promise.race([doomed, Promise.resolve('pending')])).resolves.toBe('pending');
      // The job goes to the first idle process; by the next turn of the event loop it has been sent.
      await new Promise((resolve) => setImmediate(resolve));
      process.kill(first, 'SIGKILL');
      await expect(doomed).rejects.toBeInstanceOf(HashingUnavailableError);
      expect(sut.pids).not.toContain(first);
      expect(sut.pids).toHaveLength(2);
      // Four at once: the least busy process takes each, so the replacement gets two of them and must answer.
      const after = await Promise.all(
        [1, 2, 3, 4].map((i) => sut.run({ op: 'hash', password: `after ${i}`, options })),
      );
      for (const hash of after) expect(hash).toMatch(/^\$argon2id/);
    });

    it('reports a failed hash as an error', async () => {
      await expect(sut.run({ op: 'verify', hash: 'not a hash', password: 'x' })).rejects.toThrow(
        'password hashing failed',
      );
    });
  });

  describe('stop', () => {
    it('ends every process', async () => {
      const pids = sut.pids;
      await sut.stop();
      expect(pids.filter(alive)).toEqual([]);
    });

    it('refuses the jobs that were still waiting, and any new one, without a crash', async () => {
      const small = new HashingPool(1, 10);
      await small.start();
      const settled = Promise.allSettled(
        [1, 2, 3, 4].map((i) => small.run({ op: 'hash', password: `p${i}`, options })),
      );
      await small.stop();
      const outcomes = await settled;
      expect(outcomes.filter((outcome) => outcome.status === 'rejected')).not.toHaveLength(0);
      for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
        expect(outcome.reason).toBeInstanceOf(HashingUnavailableError);
      }
      // The two beyond the process's two never reach it: they are refused as the pool stops, not sent.
      for (const waiting of outcomes.slice(2)) {
        expect(waiting).toMatchObject({
          status: 'rejected',
          reason: { message: 'the password-hashing processes have stopped' },
        });
      }
      const late = small.run({ op: 'hash', password: 'late', options });
      await expect(late).rejects.toBeInstanceOf(HashingUnavailableError);
      // Named as such in logs and stack traces.
      await expect(late).rejects.toMatchObject({
        name: 'HashingUnavailableError',
        message: 'the password-hashing processes have stopped',
      });
    });
  });

  it('refuses at once beyond its queue', async () => {
    const small = new HashingPool(1, 1);
    await small.start();
    try {
      // Two jobs held by the process (the one it runs and the next), one waiting, the fourth refused.
      const jobs = [1, 2, 3, 4].map((i) => small.run({ op: 'hash', password: `p${i}`, options }));
      const outcomes = await Promise.allSettled(jobs);
      expect(outcomes.map((outcome) => outcome.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'rejected',
      ]);
      expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(QueueFullError);
    } finally {
      await small.stop();
    }
  });
});

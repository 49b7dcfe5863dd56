import { ChildProcess, execFile, fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { ConcurrencyLimiter } from '../common/concurrency-limiter';

export interface Argon2Parameters {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export type HashingJob =
  | { op: 'hash'; password: string; options: Argon2Parameters }
  | { op: 'verify'; hash: string; password: string };

type Reply =
  { ready: true } | { id: number; result: string | boolean } | { id: number; error: string };

interface Pending {
  resolve: (result: string | boolean) => void;
  reject: (error: Error) => void;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  /** Jobs sent to this process and not answered yet, by id. */
  pending: Map<number, Pending>;
}

/**
 * Thrown by HashingPool.run when no process can answer: the pool has stopped (the server is shutting down), or
 * the process running the job died (it is replaced; the job is not retried).
 */
export class HashingUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HashingUnavailableError';
  }
}

const stopped = () => new HashingUnavailableError('the password-hashing processes have stopped');

/** Lowest scheduling priority: hashing only gets the CPU that request handling leaves. */
export const HASHING_NICENESS = 19;
/**
 * Linux's idle scheduling policy, set on every thread of a hashing process once it has started. At nice 19 alone, a
 * woken request handler may still wait for the hashing thread's time slice to end (the kernel's EEVDF scheduler lets
 * the running task finish its slice); a thread of this policy gives the CPU up at once to any other task that wakes.
 * Set with util-linux's `chrt`; where it is missing or not permitted, the processes stay at nice 19.
 */
export const SCHED_IDLE = 5;
const IDLE_POLICY_TIMEOUT_MS = 5000;
/**
 * Jobs a process holds at once: the one it runs and the next, so that it never sits idle waiting for the parent
 * to hand over its next job (measured: a tenth of the pool's throughput was lost in those hand-overs).
 */
export const JOBS_PER_PROCESS = 2;
const WORKER_SCRIPT = join(__dirname, 'hashing-worker.js');

/**
 * argon2 hashing in a few child processes, at the lowest scheduling priority. Hashing a password takes a core for
 * tens of milliseconds; in separate low-priority processes it cannot delay the event loop, neither by taking its
 * CPU nor through locks shared with it (the libuv pool's, the database driver's), which is what happened when
 * hashing ran on this process's own worker threads. Each process runs one job at a time, with its next job
 * already queued; jobs beyond that wait in the limiter, and beyond its bound `run` fails at once (QueueFullError).
 */
export class HashingPool {
  private readonly logger = new Logger(HashingPool.name);
  private readonly workers: Worker[] = [];
  private readonly limiter: ConcurrencyLimiter;
  private nextId = 0;
  private stopping = false;
  private idlePolicyWarned = false;

  /** `idlePolicyCommand`: the program that sets the idle policy (util-linux's `chrt`, found on the PATH). */
  constructor(
    readonly size: number,
    maxWaiting: number,
    private readonly idlePolicyCommand = 'chrt',
  ) {
    this.limiter = new ConcurrencyLimiter(size * JOBS_PER_PROCESS, maxWaiting);
  }

  /** Starts the processes and waits until each can take a job. */
  async start(): Promise<void> {
    for (let i = 0; i < this.size; i += 1) this.workers.push(this.spawn());
    await Promise.all(this.workers.map((worker) => worker.ready));
  }

  run(job: HashingJob): Promise<string | boolean> {
    if (this.stopping) return Promise.reject(stopped());
    return this.limiter.run(async () => {
      if (this.stopping) throw stopped();
      // The limiter lets at most size * JOBS_PER_PROCESS jobs through: the least busy process has room.
      const worker = this.workers.reduce((least, candidate) =>
        candidate.pending.size < least.pending.size ? candidate : least,
      );
      const id = (this.nextId += 1);
      const answer = new Promise<string | boolean>((resolve, reject) =>
        worker.pending.set(id, { resolve, reject }),
      );
      await worker.ready;
      worker.child.send({ ...job, id }, (error) => {
        // The process is gone (stopped, or died): its exit fails the jobs it held; this one never reached it.
        if (error) this.settle(worker, id, new HashingUnavailableError(error.message));
      });
      return answer;
    });
  }

  /** Process ids of the hashing processes (for operators and tests). */
  get pids(): number[] {
    return this.workers
      .map((worker) => worker.child.pid)
      .filter((pid): pid is number => pid !== undefined);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.child.exitCode !== null || worker.child.signalCode !== null)
              return resolve();
            worker.child.once('exit', () => resolve());
            worker.child.disconnect();
          }),
      ),
    );
  }

  private settle(
    worker: Worker,
    id: number,
    outcome: { result: string | boolean } | { error: string } | Error,
  ): void {
    const pending = worker.pending.get(id);
    if (!pending) return;
    worker.pending.delete(id);
    if (outcome instanceof Error) pending.reject(outcome);
    else if ('error' in outcome)
      pending.reject(new Error(`password hashing failed: ${outcome.error}`));
    else pending.resolve(outcome.result);
  }

  /** SCHED_IDLE for every thread of a started process; stays at nice 19 if that fails. Never rejects. */
  private lowerToIdlePolicy(pid: number | undefined): Promise<void> {
    if (process.platform !== 'linux' || pid === undefined) return Promise.resolve();
    const args = ['--idle', '--all-tasks', '--pid', '0', String(pid)];
    return new Promise((resolve) =>
      execFile(this.idlePolicyCommand, args, { timeout: IDLE_POLICY_TIMEOUT_MS }, (error) => {
        if (error && !this.idlePolicyWarned) {
          this.idlePolicyWarned = true;
          this.logger.debug(
            `password hashing runs at nice ${HASHING_NICENESS} without the idle scheduling policy (${this.idlePolicyCommand}: ${error.message.split('\n')[0]}); install util-linux to lower it further`,
          );
        }
        resolve();
      }),
    );
  }

  private spawn(): Worker {
    const child = fork(WORKER_SCRIPT, [], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let markReady!: () => void;
    const started = new Promise<void>((resolve) => (markReady = resolve));
    const worker: Worker = {
      child,
      // Once the process has started, its threads are all there (argon2's, created by its first job, inherit).
      ready: started.then(() => this.lowerToIdlePolicy(child.pid)),
      pending: new Map(),
    };
    try {
      if (child.pid !== undefined) setPriority(child.pid, HASHING_NICENESS);
    } catch {
      // Not permitted on this system: the pool still works, at normal priority.
    }
    // A send to a process that just exited reports here too; the exit handler fails its jobs.
    child.on('error', () => undefined);
    child.on('message', (reply: Reply) => {
      if ('ready' in reply) return markReady();
      this.settle(worker, reply.id, reply);
    });
    child.once('exit', (code, signal) => {
      for (const pending of worker.pending.values()) {
        pending.reject(
          new HashingUnavailableError('the password-hashing process exited during a job'),
        );
      }
      worker.pending.clear();
      if (this.stopping) return;
      this.logger.error(`password-hashing process exited (${signal ?? code}); starting another`);
      const index = this.workers.indexOf(worker);
      if (index >= 0) this.workers[index] = this.spawn();
    });
    return worker;
  }
}

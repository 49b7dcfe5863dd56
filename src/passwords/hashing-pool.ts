import { ChildProcess, fork } from 'node:child_process';
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

type Reply = { ready: true } | { result: string | boolean } | { error: string };

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  job?: { resolve: (result: string | boolean) => void; reject: (error: Error) => void };
}

/** Lowest scheduling priority: hashing only gets the CPU that request handling leaves. */
export const HASHING_NICENESS = 19;
const WORKER_SCRIPT = join(__dirname, 'hashing-worker.js');

/**
 * argon2 hashing in a few child processes, one job at a time each, at the lowest scheduling priority. Hashing a
 * password takes a core for tens of milliseconds; in separate low-priority processes it cannot delay the event
 * loop, neither by taking its CPU nor through locks shared with it (the libuv pool's, the database driver's), which
 * is what happened when hashing ran on this process's own worker threads. Jobs beyond `size` wait in the limiter;
 * beyond its bound, `run` fails at once (QueueFullError).
 */
export class HashingPool {
  private readonly logger = new Logger(HashingPool.name);
  private readonly workers: Worker[] = [];
  private readonly limiter: ConcurrencyLimiter;
  private stopping = false;

  constructor(
    readonly size: number,
    maxWaiting: number,
  ) {
    this.limiter = new ConcurrencyLimiter(size, maxWaiting);
  }

  /** Starts the processes and waits until each can take a job. */
  async start(): Promise<void> {
    for (let i = 0; i < this.size; i += 1) this.workers.push(this.spawn());
    await Promise.all(this.workers.map((worker) => worker.ready));
  }

  run(job: HashingJob): Promise<string | boolean> {
    return this.limiter.run(async () => {
      // The limiter lets at most `size` jobs through, so an idle process exists; it may still be starting.
      const worker = this.workers.find((candidate) => !candidate.busy)!;
      worker.busy = true;
      try {
        await worker.ready;
        return await new Promise<string | boolean>((resolve, reject) => {
          worker.job = { resolve, reject };
          worker.child.send(job);
        });
      } finally {
        worker.busy = false;
      }
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

  private spawn(): Worker {
    const child = fork(WORKER_SCRIPT, [], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let markReady!: () => void;
    const worker: Worker = {
      child,
      ready: new Promise<void>((resolve) => (markReady = resolve)),
      busy: false,
    };
    try {
      if (child.pid !== undefined) setPriority(child.pid, HASHING_NICENESS);
    } catch {
      // Not permitted on this system: the pool still works, at normal priority.
    }
    child.on('message', (reply: Reply) => {
      if ('ready' in reply) return markReady();
      const job = worker.job;
      worker.job = undefined;
      if ('error' in reply) job?.reject(new Error(`password hashing failed: ${reply.error}`));
      else job?.resolve(reply.result);
    });
    child.once('exit', (code, signal) => {
      worker.job?.reject(new Error('the password-hashing process exited during a job'));
      worker.job = undefined;
      if (this.stopping) return;
      this.logger.error(`password-hashing process exited (${signal ?? code}); starting another`);
      const index = this.workers.indexOf(worker);
      if (index >= 0) this.workers[index] = this.spawn();
    });
    return worker;
  }
}

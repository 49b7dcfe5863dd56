import { randomFill } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Niceness given to libuv's worker threads: they yield to the event loop, not to other processes' work. */
export const WORKER_NICENESS = 10;

/**
 * Password hashing (argon2) runs on libuv's worker threads and takes whole cores for tens of milliseconds. On a
 * small machine that delays the event loop, so every other request waits behind logins. Starting the pool here
 * and lowering the priority of its threads lets the event loop pre-empt them. Linux only (thread ids from /proc);
 * elsewhere, and when the pool was already started, it does nothing. Answers how many threads it changed.
 */
export async function lowerThreadpoolPriority(): Promise<number> {
  if (process.platform !== 'linux') return 0;
  const tasks = () => new Set(readdirSync('/proc/self/task'));
  let before: Set<string>;
  try {
    before = tasks();
  } catch {
    return 0;
  }
  // The first job on the pool creates all of its threads.
  await new Promise((resolve) => randomFill(Buffer.alloc(1), resolve));
  let changed = 0;
  for (const tid of tasks()) {
    if (before.has(tid)) continue;
    try {
      setPriority(Number(tid), WORKER_NICENESS);
      changed += 1;
    } catch {
      // Not permitted or gone: leave it.
    }
  }
  return changed;
}

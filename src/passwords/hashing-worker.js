'use strict';
/**
 * A password-hashing process (see hashing-pool.ts). It runs argon2 jobs for its parent, over the IPC channel, one
 * at a time in arrival order; the parent may send the next job before this one ends, so that the process never
 * waits for the parent between jobs. It exits when the parent goes away. Plain JavaScript so that it runs as is
 * from src/ (tests) and dist/.
 */
const argon2 = require('argon2');

const queue = [];
let running = false;

process.on('message', (job) => {
  queue.push(job);
  if (!running) runNext();
});

function runNext() {
  const job = queue.shift();
  if (!job) {
    running = false;
    return;
  }
  running = true;
  const work =
    job.op === 'hash'
      ? argon2.hash(job.password, { type: argon2.argon2id, ...job.options })
      : argon2.verify(job.hash, job.password);
  work
    .then(
      (result) => reply({ id: job.id, result }),
      (error) =>
        reply({ id: job.id, error: error instanceof Error ? error.message : String(error) }),
    )
    .finally(runNext);
}

/** Answers the parent; if it has gone, there is nobody left to work for. */
function reply(message) {
  if (!process.connected) process.exit(0);
  process.send(message, (error) => {
    if (error) process.exit(0);
  });
}

process.on('disconnect', () => process.exit(0));
// The server decides when hashing stops: it disconnects once its requests have finished. Ctrl-C in a terminal
// signals every process of the group, this one included; ignoring the signal lets logins in flight complete.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
reply({ ready: true });

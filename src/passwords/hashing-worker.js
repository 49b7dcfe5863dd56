'use strict';
/**
 * A password-hashing process (see hashing-pool.ts). It runs argon2 jobs one at a time for its parent, over the IPC
 * channel, and exits when the parent goes away. Plain JavaScript so that it runs as is from src/ (tests) and dist/.
 */
const argon2 = require('argon2');

process.on('message', (job) => {
  const work =
    job.op === 'hash'
      ? argon2.hash(job.password, { type: argon2.argon2id, ...job.options })
      : argon2.verify(job.hash, job.password);
  work.then(
    (result) => reply({ result }),
    (error) => reply({ error: error instanceof Error ? error.message : String(error) }),
  );
});

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

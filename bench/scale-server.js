'use strict';
/**
 * The built server as dist/main.js starts it (createApp, then listen on HOST:PORT), with one addition for
 * bench/scale.js: the message `clean-up` on the IPC channel runs the session clean-up job now, in this process,
 * as its schedule would (same job, same service, same database connection), and answers
 * `{ deleted, ms }` when it is done. The schedule itself fires every ten minutes, too seldom for a benchmark.
 */
require('reflect-metadata');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');
const { createApp } = require(join(dist, 'app.setup'));
const { SessionsCleanupJob } = require(join(dist, 'sessions', 'sessions-cleanup.job'));

async function main() {
  const { app, config } = await createApp();
  await app.listen({ port: config.http.port, host: config.http.host });
  process.on('message', (message) => {
    if (message !== 'clean-up') return;
    const started = process.hrtime.bigint();
    app
      .get(SessionsCleanupJob)
      .run()
      .then(
        (deleted) => process.send({ deleted, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
        (error) => process.send({ error: String(error?.stack ?? error) }),
      );
  });
  const stop = () => app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

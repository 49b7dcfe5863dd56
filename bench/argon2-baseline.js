'use strict';
// Raw argon2id verification throughput at a given concurrency, with the same parameters as the server.
// Prints one JSON line: { verifies, seconds, perSecond }.
const argon2 = require('argon2');

const { concurrency, seconds, memoryCost, timeCost, parallelism } = JSON.parse(
  process.env.ARGON2_BENCH,
);

async function main() {
  const password = 'correct horse battery staple';
  const hash = await argon2.hash(password, {
    type: argon2.argon2id,
    memoryCost,
    timeCost,
    parallelism,
  });
  for (let i = 0; i < concurrency; i += 1) await argon2.verify(hash, password);
  let verifies = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        if (!(await argon2.verify(hash, password))) throw new Error('verification failed');
        verifies += 1;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(
    `${JSON.stringify({ verifies, seconds: elapsed, perSecond: verifies / elapsed })}\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

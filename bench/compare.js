'use strict';
/**
 * GET /users/me on two builds of Portcullis in the same run: `node bench/compare.js <other dist/main.js>` starts
 * this checkout's dist/main.js and the other one as child processes and drives them with autocannon in alternating
 * rounds, so that machine noise hits both alike. Prints a Markdown table (median run of each, and every run).
 * Environment: BENCH_DURATION (seconds per run, default 10), BENCH_CONNECTIONS (default 10), BENCH_ROUNDS (default 3).
 */
const { resolve } = require('node:path');
const {
  ROOT,
  DURATION,
  CONNECTIONS,
  log,
  sleep,
  startPortcullis,
  cannon,
  fmt,
  pickMedian,
  signedInUser,
} = require('./lib');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function main() {
  const other = process.argv[2];
  if (!other) {
    console.error('usage: node bench/compare.js <path to another build: .../dist/main.js>');
    process.exit(2);
  }
  const builds = [
    { name: `other (${other})`, main: resolve(other) },
    { name: 'this checkout', main: resolve(ROOT, 'dist', 'main.js') },
  ];
  for (const build of builds) {
    build.server = await startPortcullis(build.main);
    build.session = await signedInUser(build.server.url);
    build.runs = [];
  }
  try {
    await sleep(500);
    for (const build of builds) {
      await cannon({
        title: 'warm-up',
        url: `${build.server.url}/users/me`,
        headers: build.session.headers,
        duration: 2,
      });
    }
    log(`GET /users/me: ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} rounds`);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const build of builds) {
        const run = await cannon({
          title: `GET /users/me (${build.name})`,
          url: `${build.server.url}/users/me`,
          headers: build.session.headers,
        });
        log(`  round ${round + 1}, ${build.name}: ${fmt(run.rps)} req/s`);
        build.runs.push(run);
      }
    }
  } finally {
    for (const build of builds) build.server.stop();
  }
  const base = pickMedian(builds[0].runs, (run) => run.rps);
  const lines = [
    `GET /users/me, ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} alternating rounds (median run shown)`,
    '',
    '| build | req/s | p50 ms | p99 ms | against the other | every run (req/s) |',
    '|---|---:|---:|---:|---:|---|',
    ...builds.map((build) => {
      const run = pickMedian(build.runs, (r) => r.rps);
      return `| ${build.name} | ${fmt(run.rps)} | ${run.p50} | ${run.p99} | ${fmt(run.rps / base.rps, 2)}x | ${build.runs.map((r) => fmt(r.rps)).join(', ')} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

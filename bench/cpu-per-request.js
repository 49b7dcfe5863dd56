'use strict';
/**
 * Server CPU time per GET /users/me (or per login), for two or more compiled builds in one run: `node
 * bench/cpu-per-request.js <main.js> [<main.js> ...]` (default: this checkout's dist/main.js). Each build runs as its
 * own process; rounds alternate between them, each sending BENCH_REQUESTS requests (default 60,000; 400 logins) over
 * 10 connections (4 for logins), and the server's own user + system CPU time (from /proc; the password-hashing
 * processes apart) is divided by the requests. Less sensitive to a noisy machine than requests per second, since
 * time spent waiting for the CPU is not counted. Environment: BENCH_ROUNDS (default 6), BENCH_ROUTE (`me`, the
 * default, or `login`).
 */
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const autocannon = require('autocannon');
const { ROOT, PASSWORD, log, startPortcullis, signedInUser, median } = require('./lib');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const LOGIN = process.env.BENCH_ROUTE === 'login';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? (LOGIN ? 400 : 60_000));
const ROUTE = LOGIN ? 'POST /auth/login' : 'GET /users/me';
/** Linux clock ticks per second (USER_HZ), the unit of utime and stime in /proc/<pid>/stat. */
const TICKS = 100;

/** Seconds of CPU the process has used so far (user + system). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

async function main() {
  const mains = process.argv.slice(2).map((path) => resolve(path));
  if (mains.length === 0) mains.push(join(ROOT, 'dist', 'main.js'));
  const builds = [];
  for (const path of mains) {
    const server = await startPortcullis(path);
    const { headers, email } = await signedInUser(server.url);
    const load = LOGIN
      ? {
          url: `${server.url}/auth/login`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: PASSWORD }),
          connections: 4,
        }
      : { url: `${server.url}/users/me`, headers, connections: 10 };
    await autocannon({ ...load, amount: LOGIN ? 100 : 20_000 });
    builds.push({ path, server, load, samples: [] });
  }
  try {
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const build of builds) {
        const before = cpuSeconds(build.server.pid);
        await autocannon({ ...build.load, amount: REQUESTS });
        const us = ((cpuSeconds(build.server.pid) - before) * 1e6) / REQUESTS;
        build.samples.push(Math.round(us));
        log(`  round ${round}, ${build.path}: ${Math.round(us)} us of CPU per request`);
      }
    }
  } finally {
    for (const build of builds) build.server.stop();
  }
  console.log(`\n| build | median us of CPU per ${ROUTE} | every round |\n|---|---:|---|`);
  for (const build of builds) {
    console.log(`| ${build.path} | ${median(build.samples)} | ${build.samples.join(', ')} |`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

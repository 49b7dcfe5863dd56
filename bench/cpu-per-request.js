'use strict';
/**
 * Server CPU time per GET /users/me (or per login, or per refresh), for two or more compiled builds in one run:
 * `node bench/cpu-per-request.js <main.js> [<main.js> ...]` (default: this checkout's dist/main.js). Each build runs
 * as its own process; rounds alternate between them, each sending BENCH_REQUESTS requests (default 60,000; 400
 * logins; 20,000 refreshes) over 10 connections (4 for logins; for refreshes each connection rotates its own
 * session's token), and the server's own user + system CPU time (from /proc; the password-hashing processes apart)
 * is divided by the requests. Less sensitive to a noisy machine than requests per second, since time spent waiting
 * for the CPU is not counted. Environment: BENCH_ROUNDS (default 6), BENCH_ROUTE (`me`, the default, `login` or
 * `refresh`).
 */
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const autocannon = require('autocannon');
const { ROOT, PASSWORD, log, startPortcullis, signedInUser, median } = require('./lib');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const ROUTES = {
  me: { name: 'GET /users/me', requests: 60_000, warmUp: 20_000 },
  login: { name: 'POST /auth/login', requests: 400, warmUp: 100 },
  refresh: { name: 'POST /auth/refresh', requests: 20_000, warmUp: 5_000 },
};
const ROUTE = ROUTES[process.env.BENCH_ROUTE ?? 'me'];
if (!ROUTE) throw new Error(`BENCH_ROUTE must be one of ${Object.keys(ROUTES).join(', ')}`);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? ROUTE.requests);
/** Linux clock ticks per second (USER_HZ), the unit of utime and stime in /proc/<pid>/stat. */
const TICKS = 100;

/** Seconds of CPU the process has used so far (user + system). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** The autocannon options for the chosen route, against one server. */
async function loadFor(url, headers, email) {
  const json = { 'content-type': 'application/json' };
  if (ROUTE === ROUTES.me) return { url: `${url}/users/me`, headers, connections: 10 };
  const credentials = JSON.stringify({ email, password: PASSWORD });
  if (ROUTE === ROUTES.login) {
    return {
      url: `${url}/auth/login`,
      method: 'POST',
      headers: json,
      body: credentials,
      connections: 4,
    };
  }
  // Each connection sends the token its last refresh answered: a pool with one live token per connection.
  const tokens = [];
  for (let i = 0; i < 10; i += 1) {
    const response = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: json,
      body: credentials,
    });
    tokens.push((await response.json()).refreshToken);
  }
  const request = {
    method: 'POST',
    path: '/auth/refresh',
    headers: json,
    setupRequest: (sent) => ({ ...sent, body: JSON.stringify({ refreshToken: tokens.pop() }) }),
    onResponse: (status, body) => {
      if (status !== 200) throw new Error(`POST /auth/refresh answered ${status}: ${body}`);
      tokens.push(JSON.parse(body).refreshToken);
    },
  };
  return { url, requests: [request], connections: 10 };
}

async function main() {
  const mains = process.argv.slice(2).map((path) => resolve(path));
  if (mains.length === 0) mains.push(join(ROOT, 'dist', 'main.js'));
  const builds = [];
  for (const path of mains) {
    const server = await startPortcullis(path);
    const { headers, email } = await signedInUser(server.url);
    const load = await loadFor(server.url, headers, email);
    await autocannon({ ...load, amount: ROUTE.warmUp });
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
  console.log(`\n| build | median us of CPU per ${ROUTE.name} | every round |\n|---|---:|---|`);
  for (const build of builds) {
    console.log(`| ${build.path} | ${median(build.samples)} | ${build.samples.join(', ')} |`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

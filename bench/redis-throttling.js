'use strict';
/**
 * GET /users/me with the rate limits counted in Redis (REDIS_URL) against the same build counting them in process
 * memory, in one run, alternating round by round: the Redis/memory ratio is what sharing the limits across
 * instances costs a request. Two loads: one client (every request from one address: one key, whose hits of one
 * turn of the event loop share a script call), and many clients (each request from one of BENCH_CLIENTS addresses,
 * default 10,000, given in X-Forwarded-For with TRUST_PROXY=true: one script call per request).
 *
 * `npm run build && node bench/redis-throttling.js` (BENCH_MAIN names another compiled main.js; BENCH_REDIS_URL
 * another Redis than redis://127.0.0.1:6379). Environment as in bench/run.js: BENCH_DURATION, BENCH_CONNECTIONS,
 * BENCH_ROUNDS. The keys it leaves in Redis are under a prefix of its own and expire within the limit's window.
 */
const { randomBytes } = require('node:crypto');
const { join } = require('node:path');
const {
  ROOT,
  DURATION,
  CONNECTIONS,
  log,
  json,
  startPortcullis,
  cannon,
  fmt,
  pickMedian,
  signedInUser,
} = require('./lib');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10_000);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Requests that each come from the next of `count` addresses (10.x.y.z), as a trusted proxy would say. */
function fromManyClients(count) {
  let next = 0;
  return [
    {
      setupRequest: (request) => {
        next = (next + 1) % count;
        const address = `10.${(next >> 16) & 255}.${(next >> 8) & 255}.${next & 255}`;
        return { ...request, headers: { ...request.headers, 'x-forwarded-for': address } };
      },
    },
  ];
}

async function compareRedisWithMemory(main, { rounds = ROUNDS, clients = CLIENTS } = {}) {
  const prefix = `portcullis-bench:${randomBytes(4).toString('hex')}:`;
  const env = { TRUST_PROXY: 'true' };
  const servers = {
    memory: await startPortcullis(main, env),
    redis: await startPortcullis(main, { ...env, REDIS_URL, REDIS_PREFIX: prefix }),
  };
  try {
    const health = await json(`${servers.redis.url}/health/ready`);
    if (health.details?.redis?.status !== 'up') {
      throw new Error(`Redis is not up for the server under test: ${JSON.stringify(health)}`);
    }
    const headers = {};
    for (const [name, server] of Object.entries(servers)) {
      headers[name] = (await signedInUser(server.url)).headers;
    }
    const loads = [
      { name: 'one client', requests: undefined },
      { name: `${fmt(clients)} clients`, requests: fromManyClients(clients) },
    ];
    log('GET /users/me, limits in Redis against limits in memory: warming up');
    for (const [name, server] of Object.entries(servers)) {
      const url = `${server.url}/users/me`;
      await cannon({ title: 'warm-up', url, headers: headers[name], duration: 2 });
    }
    const results = [];
    for (const load of loads) {
      log(`${load.name}: ${CONNECTIONS} connections, ${DURATION} s per run, ${rounds} rounds`);
      const runs = { memory: [], redis: [] };
      for (let round = 0; round < rounds; round += 1) {
        for (const [name, server] of Object.entries(servers)) {
          const run = await cannon({
            title: `GET /users/me (${name}, ${load.name})`,
            url: `${server.url}/users/me`,
            headers: headers[name],
            ...(load.requests ? { requests: load.requests } : {}),
          });
          log(`  round ${round + 1}, ${name}: ${fmt(run.rps)} req/s, p99 ${run.p99} ms`);
          runs[name].push(run);
        }
      }
      results.push({
        load: load.name,
        memory: pickMedian(runs.memory, (run) => run.rps),
        redis: pickMedian(runs.redis, (run) => run.rps),
        ratios: runs.redis.map((run, round) => run.rps / runs.memory[round].rps),
      });
    }
    return { rounds, results };
  } finally {
    for (const server of Object.values(servers)) server.stop();
  }
}

/** The report section (Markdown lines) for a compareRedisWithMemory result. */
function redisThrottlingReportLines({ rounds, results }) {
  const ratio = (a, b) => `${fmt(a / b, 2)}x`;
  return [
    '## Rate limits in Redis against rate limits in memory',
    '',
    'GET /users/me with an access token on two servers of the same build, one with `REDIS_URL` (limits counted in',
    `Redis, shared by instances) and one without; ${rounds} rounds, alternating, the median run of each shown.`,
    '',
    '| load | limits counted in | req/s | p50 ms | p99 ms | against memory | per round |',
    '|---|---|---:|---:|---:|---:|---|',
    ...results.flatMap((r) => [
      `| ${r.load} | process memory (baseline) | ${fmt(r.memory.rps)} | ${r.memory.p50} | ${r.memory.p99} | 1.00x | |`,
      `| ${r.load} | Redis | ${fmt(r.redis.rps)} | ${r.redis.p50} | ${r.redis.p99} | ${ratio(r.redis.rps, r.memory.rps)} | ${r.ratios.map((value) => `${fmt(value, 2)}x`).join(', ')} |`,
    ]),
    '',
  ];
}

async function main() {
  const result = await compareRedisWithMemory(
    process.env.BENCH_MAIN ?? join(ROOT, 'dist', 'main.js'),
  );
  process.stdout.write(`${redisThrottlingReportLines(result).join('\n')}\n`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { compareRedisWithMemory, redisThrottlingReportLines };

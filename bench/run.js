'use strict';
/**
 * Portcullis benchmarks (npm run bench). Starts the compiled server and the baselines as child processes, drives
 * them with autocannon from this process, and writes the report to bench/results/ (git ignores it):
 * `<date>.md` and `latest.md`. `npm run bench:publish` copies the latest report into docs/BENCHMARKS.md.
 *
 * Environment: BENCH_DURATION (seconds per run, default 10), BENCH_CONNECTIONS (default 10),
 * BENCH_LOGIN_CONNECTIONS (default 4), BENCH_RATE (requests/s for the latency runs, default 500),
 * BENCH_ROUNDS (rounds of each comparison, default 3), BENCH_RESULTS (the folder for the report, default
 * bench/results; `npm run bench:node24` sets it to this checkout's while the bench runs in the Node 24 copy).
 */
const { spawn, spawnSync, fork } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const {
  ROOT,
  DURATION,
  CONNECTIONS,
  PASSWORD,
  log,
  sleep,
  freePort,
  rssMiB,
  peakRss,
  json,
  post,
  startPortcullis,
  cannon,
  fmt,
  median,
  pickMedian,
} = require('./lib');
const { compareApiKeyWithJwt, apiKeyReportLines } = require('./api-key');

const LOGIN_CONNECTIONS = Number(process.env.BENCH_LOGIN_CONNECTIONS ?? 4);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const RESULTS = process.env.BENCH_RESULTS ?? join(ROOT, 'bench', 'results');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

async function startBaseline(config, script = 'baseline-server.js') {
  const port = await freePort();
  const child = fork(join(__dirname, script), {
    env: { ...process.env, PORT: String(port), BASELINE_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise((done) => child.once('message', done));
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => child.kill() };
}

/** Steady-rate latency of one URL, measured by bench/latency-probe.js in its own process. */
function probe(options) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(__dirname, 'latency-probe.js')], {
      env: { ...process.env, PROBE: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`latency probe exited ${code}`));
      const result = JSON.parse(out);
      if (result.failures > 0)
        return fail(
          new Error(
            `latency probe of ${options.method ?? 'GET'} ${options.url}: ${result.failures} failed requests (${JSON.stringify(result.failed)})`,
          ),
        );
      done(result.latencies);
    });
  });
}

/**
 * Raw argon2id verifications in their own process. `lowPriority` runs them as the server's hashing processes run:
 * nice 19 and, where util-linux's chrt is there, the idle scheduling policy.
 */
function rawArgon2(concurrency, seconds, lowPriority = false) {
  return new Promise((done, fail) => {
    const command = [process.execPath, join(__dirname, 'argon2-baseline.js')];
    const idle = lowPriority && hasChrt();
    const child = spawn(
      idle ? 'chrt' : command[0],
      idle ? ['--idle', '0', ...command] : command.slice(1),
      {
        env: { ...process.env, ARGON2_BENCH: JSON.stringify({ concurrency, seconds, ...ARGON2 }) },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    if (lowPriority) os.setPriority(child.pid, 19);
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) =>
      code === 0 ? done(JSON.parse(out)) : fail(new Error(`argon2 baseline exited ${code}`)),
    );
  });
}

let chrtFound;
/** Whether util-linux's chrt can be run (the server's hashing processes use it for the idle policy). */
function hasChrt() {
  chrtFound ??= spawnSync('chrt', ['--version']).status === 0;
  return chrtFound;
}

/** Percentiles of latencies pooled from every round of a condition. */
function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (value) => Math.round(value * 100) / 100;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1)),
  };
}

async function main() {
  log('starting Portcullis (dist/main.js) on a fresh SQLite database');
  const server = await startPortcullis();
  await sleep(500);
  const idleRss = rssMiB(server.pid);
  const email = `bench-${Date.now()}@example.com`;
  const user = await post(`${server.url}/auth/register`, {
    email,
    password: PASSWORD,
    name: 'Bench',
  });
  const tokens = await post(`${server.url}/auth/login`, { email, password: PASSWORD });
  const { keys } = await json(`${server.url}/.well-known/jwks.json`);
  const claims = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1], 'base64url').toString());
  const baseline = await startBaseline({
    jwk: keys[0],
    issuer: claims.iss,
    audience: claims.aud,
    user,
  });
  const fastifyBaseline = await startBaseline({ user }, 'baseline-fastify.js');
  const meHeaders = { authorization: `Bearer ${tokens.accessToken}` };
  const loginLoad = {
    title: 'POST /auth/login',
    url: `${server.url}/auth/login`,
    method: 'POST',
    connections: LOGIN_CONNECTIONS,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  };

  const results = {};
  try {
    log('warming up');
    for (const other of [baseline, fastifyBaseline]) {
      await cannon({
        title: 'warm-up',
        url: `${other.url}/users/me`,
        headers: meHeaders,
        duration: 2,
      });
    }
    await cannon({
      title: 'warm-up',
      url: `${server.url}/users/me`,
      headers: meHeaders,
      duration: 2,
    });

    log(
      `GET /users/me: ${CONNECTIONS} connections, ${DURATION} s per run, alternating with the baselines`,
    );
    const runs = { baseline: [], fastify: [], portcullis: [] };
    let loadedRss = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      runs.baseline.push(
        await cannon({ title: 'baseline', url: `${baseline.url}/users/me`, headers: meHeaders }),
      );
      runs.fastify.push(
        await cannon({
          title: 'fastify',
          url: `${fastifyBaseline.url}/users/me`,
          headers: meHeaders,
        }),
      );
      const { result, peak } = await peakRss(server.pid, () =>
        cannon({ title: 'GET /users/me', url: `${server.url}/users/me`, headers: meHeaders }),
      );
      runs.portcullis.push(result);
      loadedRss = Math.max(loadedRss, peak);
    }
    results.baseline = pickMedian(runs.baseline, (run) => run.rps);
    results.fastify = pickMedian(runs.fastify, (run) => run.rps);
    results.me = pickMedian(runs.portcullis, (run) => run.rps);
    results.meRatios = runs.portcullis.map((run, round) => run.rps / runs.fastify[round].rps);
    results.apiKey = await compareApiKeyWithJwt(server.url, {
      rounds: ROUNDS,
      session: { headers: meHeaders },
    });

    log(
      `POST /auth/login: ${LOGIN_CONNECTIONS} connections, alternating with raw argon2id verify at the same concurrency`,
    );
    // As for the GET routes, the login path's code is compiled and optimised before it is measured. Its functions run
    // once per login, so that takes a thousand or so; until then V8's compiler threads take CPU from the hashing.
    await cannon({ ...loginLoad, title: 'warm-up', duration: 2 * DURATION });
    const loginRuns = { argon2: [], login: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      loginRuns.argon2.push(await rawArgon2(LOGIN_CONNECTIONS, DURATION));
      const { result, peak } = await peakRss(server.pid, () => cannon(loginLoad));
      loginRuns.login.push(result);
      loadedRss = Math.max(loadedRss, peak);
    }
    results.argon2 = pickMedian(loginRuns.argon2, (run) => run.perSecond);
    results.login = pickMedian(loginRuns.login, (run) => run.rps);
    results.loginRatios = loginRuns.login.map(
      (run, round) => run.rps / loginRuns.argon2[round].perSecond,
    );

    log(`POST /auth/refresh: ${CONNECTIONS} connections, each rotating its own session's token`);
    const pool = [];
    for (let i = 0; i < CONNECTIONS; i += 1) {
      pool.push(
        (await post(`${server.url}/auth/login`, { email, password: PASSWORD })).refreshToken,
      );
    }
    results.refresh = await cannon({
      title: 'POST /auth/refresh',
      url: server.url,
      requests: [
        {
          method: 'POST',
          path: '/auth/refresh',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ refreshToken: pool.pop() }),
          }),
          onResponse: (status, body) => {
            if (status === 200) pool.push(JSON.parse(body).refreshToken);
          },
        },
      ],
    });

    log(
      `GET /users/me at a steady ${RATE} req/s: alone, with logins running, with argon2id alone running, with as many cheap requests running`,
    );
    const samples = { idle: [], logins: [], control: [], hashing: [] };
    const loginRates = [];
    const meProbe = {
      url: `${server.url}/users/me`,
      headers: meHeaders,
      rate: RATE,
      seconds: DURATION,
    };
    await probe({ ...meProbe, seconds: 2 });
    const rounds = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const idle = await probe(meProbe);
      samples.idle.push(...idle);
      const [underLogins, logins] = await Promise.all([probe(meProbe), cannon(loginLoad)]);
      samples.logins.push(...underLogins);
      loginRates.push(logins.rps);
      // Second control: argon2id alone, outside the server, at the hashing processes' priority and number (one per
      // core): the share of the tail that the machine's CPUs being busy causes by itself, with no login work.
      const [underHashing] = await Promise.all([
        probe(meProbe),
        rawArgon2(os.cpus().length, DURATION, true),
      ]);
      samples.hashing.push(...underHashing);
      rounds.push({
        idle: percentiles(idle).p99,
        logins: percentiles(underLogins).p99,
        hashing: percentiles(underHashing).p99,
      });
      // Control: the same number of requests per second, steady, refused by validation (no hashing, no database).
      const [underControl] = await Promise.all([
        probe(meProbe),
        probe({
          url: `${server.url}/auth/login`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"email":1}',
          expectStatus: 400,
          rate: Math.max(1, Math.round(logins.rps)),
          seconds: DURATION,
        }),
      ]);
      samples.control.push(...underControl);
    }
    results.latencyRounds = rounds;
    results.latency = Object.fromEntries(
      Object.entries(samples).map(([condition, values]) => [condition, percentiles(values)]),
    );
    results.concurrentLogins = median(loginRates);
    results.idleRss = idleRss;
    results.loadedRss = loadedRss;
    results.startupMs = server.startupMs;
  } finally {
    baseline.stop();
    fastifyBaseline.stop();
    server.stop();
  }
  report(results);
}

function report(r) {
  const cpu = os.cpus();
  const ratio = (a, b) => `${fmt(a / b, 2)}x`;
  const spread = (values) => `${fmt(Math.min(...values), 2)}x to ${fmt(Math.max(...values), 2)}x`;
  const lines = [
    '# Benchmarks',
    '',
    'Produced by `npm run bench` (bench/run.js; `npm run bench:node24` runs it on Node 24), then `npm run bench:publish`:',
    'the compiled server (`dist/main.js`, SQLite default, JSON logs with one line per request at info, rate limits on',
    'with limits raised out of the way) and the baselines run as child processes, on the Node named below; autocannon',
    'drives them from the bench process. Every figure below comes from one run on the machine described here.',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, ${os.type()} ${os.release()}`,
    `- Node ${process.version}; ${DURATION} s per run, ${ROUNDS} rounds; GET runs use ${CONNECTIONS} connections, login runs ${LOGIN_CONNECTIONS}`,
    `- argon2id parameters: m=${ARGON2.memoryCost} KiB, t=${ARGON2.timeCost}, p=${ARGON2.parallelism} (the defaults)`,
    '',
    '## Throughput',
    '',
    '| what | req/s | p50 ms | p99 ms | against baseline |',
    '|---|---:|---:|---:|---:|',
    `| bare Fastify 5 route, constant JSON of the same shape, no auth (baseline) | ${fmt(r.fastify.rps)} | ${r.fastify.p50} | ${r.fastify.p99} | 1.00x |`,
    `| bare \`node:http\` + ES256 verify per request | ${fmt(r.baseline.rps)} | ${r.baseline.p50} | ${r.baseline.p99} | ${ratio(r.baseline.rps, r.fastify.rps)} |`,
    `| GET /users/me (throttler, access guard, token and session check, profile, request log line) | ${fmt(r.me.rps)} | ${r.me.p50} | ${r.me.p99} | ${ratio(r.me.rps, r.fastify.rps)} |`,
    `| raw argon2id verify, ${LOGIN_CONNECTIONS} at once (baseline) | ${fmt(r.argon2.perSecond, 1)} | | | 1.00x |`,
    `| POST /auth/login, ${LOGIN_CONNECTIONS} connections | ${fmt(r.login.rps, 1)} | ${r.login.p50} | ${r.login.p99} | ${ratio(r.login.rps, r.argon2.perSecond)} |`,
    `| POST /auth/refresh (rotation: 3 reads, 1 insert, 1 conditional update, ES256 sign) | ${fmt(r.refresh.rps)} | ${r.refresh.p50} | ${r.refresh.p99} | ${ratio(r.refresh.rps, r.fastify.rps)} of Fastify |`,
    '',
    `GET /users/me and POST /auth/login each ran ${ROUNDS} times, alternating with their baselines; the median run of`,
    `each is shown. Per round, GET /users/me against Fastify: ${spread(r.meRatios)}; login against raw argon2id:`,
    `${spread(r.loginRatios)}. The refresh row has no like-for-like baseline.`,
    '',
    '## Latency of GET /users/me while logins run',
    '',
    `GET /users/me at a steady ${RATE} req/s (bench/latency-probe.js: open loop, in its own process): alone; while`,
    `${LOGIN_CONNECTIONS} connections log in as fast as they can; and, as controls, while the same number of requests`,
    'per second is refused by validation (no hashing, no database), and while argon2id verifications run outside',
    `the server, one per core at the hashing processes' priority (nice 19, idle policy), with no other request. ${ROUNDS} rounds of each,`,
    'alternating; the percentiles pool every round.',
    '',
    '| condition | requests | p50 ms | p90 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|---:|',
    ...[
      ['idle', r.latency.idle],
      [`with concurrent logins (${fmt(r.concurrentLogins, 1)} logins/s)`, r.latency.logins],
      ['control: as many requests/s answered 400', r.latency.control],
      [
        `control: argon2id alone, ${os.cpus().length} at once at the hashing priority, no requests`,
        r.latency.hashing,
      ],
    ].map(
      ([name, l]) => `| ${name} | ${fmt(l.count)} | ${l.p50} | ${l.p90} | ${l.p99} | ${l.max} |`,
    ),
    '',
    `p99 under logins / idle p99, pooled: ${ratio(r.latency.logins.p99, r.latency.idle.p99)}; under the 400 control: ${ratio(r.latency.control.p99, r.latency.idle.p99)}; under argon2id alone: ${ratio(r.latency.hashing.p99, r.latency.idle.p99)}.`,
    `Per round (idle p99 → p99 under logins, under argon2id alone): ${r.latencyRounds.map((round) => `${round.idle} → ${round.logins} ms (${ratio(round.logins, round.idle)}), ${round.hashing} ms (${ratio(round.hashing, round.idle)})`).join('; ')}.`,
    '',
    ...apiKeyReportLines(r.apiKey),
    '## Memory and start-up',
    '',
    '| what | value |',
    '|---|---:|',
    `| RSS idle, after start-up | ${fmt(r.idleRss, 1)} MiB |`,
    `| RSS peak under load | ${fmt(r.loadedRss, 1)} MiB |`,
    `| start-up to a healthy /health (process spawn, migrations, key load) | ${fmt(r.startupMs)} ms |`,
    '',
  ];
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  mkdirSync(RESULTS, { recursive: true });
  const stamped = join(RESULTS, `${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(stamped, text);
  writeFileSync(join(RESULTS, 'latest.md'), text);
  log(
    `written to ${stamped} and ${join(RESULTS, 'latest.md')}; npm run bench:publish copies it into docs/BENCHMARKS.md`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

'use strict';
/** What the benchmark scripts share: starting servers as child processes, driving them with autocannon, figures. */
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const os = require('node:os');
const { join, resolve } = require('node:path');
const autocannon = require('autocannon');

const ROOT = resolve(__dirname, '..');
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PASSWORD = 'correct horse battery staple';

const log = (message) => process.stderr.write(`${message}\n`);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** Resident set size of a process, in MiB. */
function rssMiB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Samples a process's RSS while `work` runs; answers the peak. */
async function peakRss(pid, work) {
  let peak = rssMiB(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB(pid));
  }, 100);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, rssMiB(pid)) };
  } finally {
    clearInterval(timer);
  }
}

async function json(url, init) {
  const response = await fetch(url, init);
  const body = await response.json();
  if (!response.ok)
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}
const post = (url, body) =>
  json(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/**
 * Starts a compiled Portcullis (`main`: a dist/main.js) on a fresh SQLite database in a temporary folder, or on the
 * database and in the data folder that `options.dataDir` and `env` name (kept when it stops). `options.ipc` opens
 * a message channel to the child. `stop()` answers once the process has exited.
 */
async function startPortcullis(main = join(ROOT, 'dist', 'main.js'), env = {}, options = {}) {
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(os.tmpdir(), 'portcullis-bench-'));
  const started = process.hrtime.bigint();
  const child = spawn(options.node ?? process.execPath, [main], {
    cwd: dataDir,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      // Production logging: JSON lines, one per request at info (to /dev/null here: stdout is ignored).
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      // Limits stay on (their cost is part of the hot path) but high enough not to refuse the load.
      THROTTLE_LIMIT: '1000000000',
      LOGIN_THROTTLE_LIMIT: '1000000000',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit', ...(options.ipc ? ['ipc'] : [])],
  });
  const exited = new Promise((done) => child.once('exit', done));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error('the server exited during start-up');
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    url,
    pid: child.pid,
    child,
    startupMs,
    stop: async () => {
      child.kill();
      await exited;
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function cannon({ expectStatus, ...options }) {
  const result = await autocannon({ duration: DURATION, connections: CONNECTIONS, ...options });
  const wrongStatus = expectStatus
    ? result.requests.total - (result.statusCodeStats[expectStatus]?.count ?? 0)
    : result.non2xx;
  const unexpected = wrongStatus + result.errors + result.timeouts;
  if (unexpected > 0) {
    throw new Error(
      `${options.title}: ${wrongStatus} unexpected statuses, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
  };
}

const fmt = (value, digits = 0) =>
  Number(value).toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The run whose figure is the median of the runs. */
const pickMedian = (runs, figure) =>
  [...runs].sort((a, b) => figure(a) - figure(b))[Math.floor(runs.length / 2)];

/** Registers a user and logs in: the bearer headers of a session. */
async function signedInUser(url) {
  const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const user = await post(`${url}/auth/register`, { email, password: PASSWORD, name: 'Bench' });
  const tokens = await post(`${url}/auth/login`, { email, password: PASSWORD });
  return { email, user, tokens, headers: { authorization: `Bearer ${tokens.accessToken}` } };
}

module.exports = {
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
  signedInUser,
};

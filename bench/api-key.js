'use strict';
/**
 * GET /users/me with an API key against the same route with an access token (JWT), on one server, in one run,
 * alternating round by round: the key/JWT ratio says whether a key request costs about what a token request costs
 * (the verified-key cache: a SHA-256 and a few map lookups per request, no query).
 *
 * Used by bench/run.js (`compareApiKeyWithJwt` + `apiKeyReportLines`), or alone against a compiled server:
 * `npm run build && node bench/api-key.js` (BENCH_MAIN names another compiled main.js). Environment as in
 * bench/run.js: BENCH_DURATION, BENCH_CONNECTIONS, BENCH_ROUNDS.
 */
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

/** A users:read key of the session's user, made through POST /api-keys: the `Bearer` and `Basic` headers. */
async function apiKeyHeaders(url, sessionHeaders) {
  const created = await json(`${url}/api-keys`, {
    method: 'POST',
    headers: { ...sessionHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', scopes: ['users:read'] }),
  });
  const secret = created.key.slice(`pck_${created.id}_`.length);
  return {
    bearer: { authorization: `Bearer ${created.key}` },
    basic: {
      authorization: `Basic ${Buffer.from(`${created.id}:${secret}`).toString('base64')}`,
    },
  };
}

/**
 * Runs GET /users/me with a JWT, a key as Bearer and a key as Basic, `rounds` times each, alternating. `session`:
 * the signed-in user of the caller's other scenarios (its `headers`); a new one is registered when absent.
 */
async function compareApiKeyWithJwt(url, { rounds = ROUNDS, session } = {}) {
  const jwtHeaders = (session ?? (await signedInUser(url))).headers;
  const key = await apiKeyHeaders(url, jwtHeaders);
  const conditions = { jwt: jwtHeaders, key: key.bearer, basic: key.basic };
  const target = `${url}/users/me`;
  log('GET /users/me with an API key: warming up');
  for (const headers of Object.values(conditions)) {
    await cannon({ title: 'warm-up', url: target, headers, duration: 2 });
  }
  log(
    `GET /users/me, JWT against API key (Bearer and Basic): ${CONNECTIONS} connections, ${DURATION} s per run, ${rounds} rounds`,
  );
  const runs = { jwt: [], key: [], basic: [] };
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, headers] of Object.entries(conditions)) {
      runs[name].push(await cannon({ title: `GET /users/me (${name})`, url: target, headers }));
    }
  }
  return {
    rounds,
    jwt: pickMedian(runs.jwt, (run) => run.rps),
    key: pickMedian(runs.key, (run) => run.rps),
    basic: pickMedian(runs.basic, (run) => run.rps),
    keyRatios: runs.key.map((run, round) => run.rps / runs.jwt[round].rps),
    basicRatios: runs.basic.map((run, round) => run.rps / runs.jwt[round].rps),
  };
}

/** The report section (Markdown lines) for a compareApiKeyWithJwt result. */
function apiKeyReportLines(r) {
  const ratio = (a, b) => `${fmt(a / b, 2)}x`;
  const spread = (values) => `${fmt(Math.min(...values), 2)}x to ${fmt(Math.max(...values), 2)}x`;
  return [
    '## API keys against access tokens',
    '',
    `GET /users/me on the same server, with an access token (baseline), an API key as \`Bearer pck_…\` and the same`,
    `key as HTTP Basic; ${r.rounds} rounds, alternating, the median run of each shown.`,
    '',
    '| credential | req/s | p50 ms | p99 ms | against the JWT |',
    '|---|---:|---:|---:|---:|',
    `| access token (JWT; baseline) | ${fmt(r.jwt.rps)} | ${r.jwt.p50} | ${r.jwt.p99} | 1.00x |`,
    `| API key, Bearer | ${fmt(r.key.rps)} | ${r.key.p50} | ${r.key.p99} | ${ratio(r.key.rps, r.jwt.rps)} |`,
    `| API key, Basic | ${fmt(r.basic.rps)} | ${r.basic.p50} | ${r.basic.p99} | ${ratio(r.basic.rps, r.jwt.rps)} |`,
    '',
    `Per round, key/JWT: Bearer ${spread(r.keyRatios)}; Basic ${spread(r.basicRatios)}.`,
    '',
  ];
}

async function main() {
  const server = await startPortcullis(process.env.BENCH_MAIN ?? join(ROOT, 'dist', 'main.js'));
  try {
    const result = await compareApiKeyWithJwt(server.url);
    process.stdout.write(`${apiKeyReportLines(result).join('\n')}\n`);
  } finally {
    server.stop();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { compareApiKeyWithJwt, apiKeyReportLines };

'use strict';
/**
 * POST /auth/password/forgot for an address with an account and one without, in the same run: the answers must not
 * tell them apart. `node bench/forgot-timing.js` starts the compiled server (development: mail goes to the outbox
 * folder), registers an account, then sends BENCH_REQUESTS (default 2000) requests alternating between the two
 * addresses, one at a time, and prints the median and p99 latency of each.
 */
const http = require('node:http');
const { startPortcullis, signedInUser, log } = require('./lib');

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);

function forgot(url, email, agent) {
  const body = JSON.stringify({ email });
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const request = http.request(
      `${url}/auth/password/forgot`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode !== 202)
            return reject(new Error(`status ${response.statusCode}`));
          resolve(Number(process.hrtime.bigint() - started) / 1e6);
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const percentile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

async function main() {
  const server = await startPortcullis();
  try {
    const { email } = await signedInUser(server.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const times = { known: [], unknown: [] };
    for (let i = 0; i < 100; i += 1)
      await forgot(server.url, i % 2 ? email : `warm-${i}@example.com`, agent);
    log(`${REQUESTS} requests, alternating, one at a time`);
    for (let i = 0; i < REQUESTS; i += 1) {
      const known = i % 2 === 0;
      times[known ? 'known' : 'unknown'].push(
        await forgot(server.url, known ? email : `nobody-${i}@example.com`, agent),
      );
    }
    const row = (name, values) =>
      `| ${name} | ${values.length} | ${percentile(values, 0.5).toFixed(2)} | ${percentile(values, 0.99).toFixed(2)} |`;
    process.stdout.write(
      [
        `POST /auth/password/forgot, ${REQUESTS} requests alternating between the two addresses, one at a time`,
        '',
        '| address | requests | median ms | p99 ms |',
        '|---|---:|---:|---:|',
        row('with an account', times.known),
        row('without an account', times.unknown),
        '',
      ].join('\n'),
    );
  } finally {
    server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

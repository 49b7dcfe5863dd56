'use strict';
/**
 * Open-loop latency probe: sends requests at a fixed rate (one every 1000/rate ms, whatever the answers) over
 * keep-alive connections and prints every latency (ms) as one JSON line. autocannon's fixed-rate mode sends
 * each second's quota in a burst and back-fills latencies, which hides what a steady client sees; this does not.
 * Env: PROBE = { url, headers, rate, seconds, method = 'GET', body, expectStatus = 200 }.
 */
const http = require('node:http');

const {
  url,
  headers,
  rate,
  seconds,
  method = 'GET',
  body,
  expectStatus = 200,
} = JSON.parse(process.env.PROBE);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const latencies = [];
let failures = 0;
/** What each failure was: an unexpected status ("503") or a socket error's code ("ECONNRESET"), with counts. */
const failed = {};
const fail = (reason) => {
  failures += 1;
  failed[reason] = (failed[reason] ?? 0) + 1;
};
let pending = 0;

function send() {
  const started = process.hrtime.bigint();
  pending += 1;
  const request = http.request(url, { agent, headers, method }, (response) => {
    response.resume();
    response.on('end', () => {
      pending -= 1;
      if (response.statusCode === expectStatus)
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      else fail(String(response.statusCode));
    });
  });
  request.on('error', (error) => {
    pending -= 1;
    fail(error.code ?? error.message);
  });
  request.end(body);
}

const interval = 1000 / rate;
const begin = performance.now();
let sent = 0;
function tick() {
  const due = Math.floor((performance.now() - begin) / interval);
  while (sent < due) {
    send();
    sent += 1;
  }
  if (performance.now() - begin < seconds * 1000) setTimeout(tick, Math.max(0, interval / 2));
  else finish();
}

function finish() {
  const wait = setInterval(() => {
    if (pending > 0) return;
    clearInterval(wait);
    const rounded = latencies.map((value) => Math.round(value * 1000) / 1000);
    process.stdout.write(`${JSON.stringify({ failures, failed, latencies: rounded })}\n`);
    agent.destroy();
  }, 20);
}

tick();

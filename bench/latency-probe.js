'use strict';
/**
 * Open-loop latency probe: sends GET requests at a fixed rate (one every 1000/rate ms, whatever the answers) over
 * keep-alive connections and prints the latency percentiles as one JSON line. autocannon's fixed-rate mode sends
 * each second's quota in a burst and back-fills latencies, which hides what a steady client sees; this does not.
 * Env: PROBE = { url, headers, rate, seconds }.
 */
const http = require('node:http');

const { url, headers, rate, seconds } = JSON.parse(process.env.PROBE);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const latencies = [];
let failures = 0;
let pending = 0;

function send() {
  const started = process.hrtime.bigint();
  pending += 1;
  const request = http.get(url, { agent, headers }, (response) => {
    response.resume();
    response.on('end', () => {
      pending -= 1;
      if (response.statusCode === 200)
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      else failures += 1;
    });
  });
  request.on('error', () => {
    pending -= 1;
    failures += 1;
  });
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
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    const round = (value) => Math.round(value * 100) / 100;
    process.stdout.write(
      `${JSON.stringify({ requests: latencies.length, failures, p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(latencies[latencies.length - 1]) })}\n`,
    );
    agent.destroy();
  }, 20);
}

tick();

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MIGRATIONS } from '../../src/database/migrations';
import { PASSWORD } from '../support/http';
import { MailCatcher } from '../support/mail';
import type { ServerProcess } from '../support/server-process';
import { startCluster, type Cluster } from './cluster';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');
const RESULTS = resolve(__dirname, '..', '..', 'bench', 'results');

async function call(
  base: string,
  method: string,
  path: string,
  {
    body,
    token,
    headers = {},
  }: { body?: object; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const email = () => `cluster-${randomUUID()}@example.com`;

async function registered(base: string, address = email()): Promise<string> {
  const answer = await call(base, 'POST', '/auth/register', {
    body: { email: address, password: PASSWORD },
  });
  expect(answer.status).toBe(201);
  return address;
}

async function login(base: string, address: string): Promise<Tokens> {
  const answer = await call(base, 'POST', '/auth/login', {
    body: { email: address, password: PASSWORD },
  });
  expect(answer.status).toBe(200);
  return answer.body as unknown as Tokens;
}

const me = async (instance: ServerProcess, token: string) =>
  (await call(instance.url, 'GET', '/users/me', { token })).status;

/** Milliseconds until `check` is true, polled back to back; undefined when it is not within `limitMs`. */
async function timeUntil(
  check: () => Promise<boolean>,
  limitMs: number,
): Promise<number | undefined> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if (await check()) return performance.now() - started;
  }
  return undefined;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

function record(name: string, result: object): void {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`${name}: ${JSON.stringify(result)}`);
}

function runCli(
  cluster: Cluster,
  args: string[],
): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, ...cluster.env, DATA_DIR: cluster.instances[0].dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => done({ code, output }));
  });
}

describe('Three instances on one PostgreSQL database and one Redis, behind nginx', () => {
  let cluster: Cluster;
  let a: ServerProcess;
  let b: ServerProcess;
  let c: ServerProcess;
  const mail = new MailCatcher();

  beforeAll(async () => {
    await mail.start();
    cluster = await startCluster(3, {
      REFRESH_REUSE_GRACE: '0',
      LOCKOUT_THRESHOLD: '3',
      SMTP_URL: mail.url,
    });
    [a, b, c] = cluster.instances;
  });
  afterAll(async () => {
    await cluster?.stop();
    await mail.stop();
  });

  it('started at the same moment on an empty database: the migrations ran once, one current and one next key', async () => {
    const applied = await cluster.query<{ name: string }>('SELECT name FROM migrations');
    expect(applied.map((row) => row.name).sort()).toEqual(
      MIGRATIONS.map((migration) => migration.name).sort(),
    );
    const keys = await cluster.query<{ state: string }>(
      'SELECT state FROM signing_keys ORDER BY state',
    );
    expect(keys.map((key) => key.state)).toEqual(['current', 'next']);
    const published = await Promise.all(
      cluster.instances.map(
        async (instance) => (await call(instance.url, 'GET', '/.well-known/jwks.json')).body,
      ),
    );
    expect(published[1]).toEqual(published[0]);
    expect(published[2]).toEqual(published[0]);
  });

  it('serves through the balancer: a session opened on one instance works on every other', async () => {
    const address = await registered(cluster.nginx.url);
    const tokens = await login(a.url, address);
    for (const instance of cluster.instances)
      expect(await me(instance, tokens.accessToken)).toBe(200);
    expect(
      (await call(cluster.nginx.url, 'GET', '/users/me', { token: tokens.accessToken })).status,
    ).toBe(200);
  });

  it('detects refresh-token reuse across instances and revokes the session everywhere', async () => {
    const tokens = await login(a.url, await registered(a.url));
    const rotated = await call(b.url, 'POST', '/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(rotated.status).toBe(200);
    const reused = await call(c.url, 'POST', '/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(reused.body.code).toBe('refresh_token_reused');
    const next = rotated.body as unknown as Tokens;
    expect(
      (await call(a.url, 'POST', '/auth/refresh', { body: { refreshToken: next.refreshToken } }))
        .body.code,
    ).toBe('session_revoked');
  });

  it('with no grace, parallel refreshes of one token spread across instances: exactly one succeeds', async () => {
    const address = await registered(a.url);
    for (let round = 0; round < 5; round += 1) {
      const { refreshToken } = await login(a.url, address);
      const answers = await Promise.all(
        Array.from({ length: 9 }, (_, index) =>
          call(cluster.instances[index % 3].url, 'POST', '/auth/refresh', {
            body: { refreshToken },
          }),
        ),
      );
      expect(
        answers.map((answer) => answer.status).filter((status) => status === 200),
      ).toHaveLength(1);
      expect(answers.every((answer) => answer.status === 200 || answer.status === 401)).toBe(true);
    }
  });

  it('locks an account after LOCKOUT_THRESHOLD failures spread across instances', async () => {
    const address = await registered(a.url);
    for (const instance of cluster.instances) {
      const failed = await call(instance.url, 'POST', '/auth/login', {
        body: { email: address, password: 'wrong password, surely' },
      });
      expect(failed.body.code).toBe('invalid_credentials');
    }
    for (const instance of cluster.instances) {
      const locked = await call(instance.url, 'POST', '/auth/login', {
        body: { email: address, password: PASSWORD },
      });
      expect(locked.body.code).toBe('invalid_credentials');
    }
  });

  it('refuses a deleted API key on every instance at once (a notice, not the 30-second cache)', async () => {
    const tokens = await login(a.url, await registered(a.url));
    const created = await call(a.url, 'POST', '/api-keys', {
      token: tokens.accessToken,
      body: { name: 'cluster', scopes: ['users:read'] },
    });
    const key = created.body.key as string;
    // Every instance has the key in its cache.
    for (const instance of cluster.instances) expect(await me(instance, key)).toBe(200);
    expect(
      (
        await call(a.url, 'DELETE', `/api-keys/${created.body.id as string}`, {
          token: tokens.accessToken,
        })
      ).status,
    ).toBe(204);
    for (const instance of [b, c]) {
      // With Redis, an instance keeps a key's row for 30 s: a refusal within a second is the notice's.
      const delay = await timeUntil(async () => (await me(instance, key)) === 401, 1000);
      expect(delay).toBeDefined();
    }
  });

  it('sends each queued mail once, whichever instance queued it and however many outbox workers run', async () => {
    const addresses = await Promise.all(
      Array.from({ length: 6 }, (_, index) => registered(cluster.instances[index % 3].url)),
    );
    for (const [index, address] of addresses.entries()) {
      const answer = await call(cluster.instances[index % 3].url, 'POST', '/auth/password/forgot', {
        body: { email: address },
      });
      expect(answer.status).toBe(202);
    }
    for (const address of addresses) await mail.find(address, 'Reset your Portcullis password');
    // Every worker has had a few more turns: still one reset mail (and one verification mail) each.
    await new Promise((done) => setTimeout(done, 2500));
    for (const address of addresses) {
      expect(
        mail
          .to(address)
          .map((message) => message.subject)
          .sort(),
      ).toEqual(['Confirm your email address for Portcullis', 'Reset your Portcullis password']);
    }
  });

  it('a logout through one instance: every other instance refuses the access token (delay measured)', async () => {
    const delays: number[] = [];
    const address = await registered(a.url);
    for (let round = 0; round < 20; round += 1) {
      const tokens = await login(a.url, address);
      // Every instance has the session's status in its cache.
      for (const instance of cluster.instances)
        expect(await me(instance, tokens.accessToken)).toBe(200);
      const logout = call(a.url, 'POST', '/auth/logout', { token: tokens.accessToken });
      const loggedOut = await logout;
      expect(loggedOut.status).toBe(204);
      for (const instance of [b, c]) {
        // With Redis, an instance keeps a session's status for 30 s: a refusal within a second is the notice's.
        const delay = await timeUntil(
          async () => (await me(instance, tokens.accessToken)) === 401,
          1000,
        );
        expect(delay).toBeDefined();
        delays.push(delay!);
      }
    }
    record('cluster-revocation', {
      what: 'ms from the logout answer on one instance until another instance refuses the access token',
      samples: delays.length,
      p50: Number(percentile(delays, 50).toFixed(1)),
      p99: Number(percentile(delays, 99).toFixed(1)),
      max: Number(Math.max(...delays).toFixed(1)),
    });
  });

  it('a key rotation on one instance (portcullis keys rotate) is served by all, and every token verifies everywhere', async () => {
    const before = (await call(a.url, 'GET', '/.well-known/jwks.json')).body.keys as Array<{
      kid: string;
    }>;
    const rotated = await runCli(cluster, ['keys', 'rotate']);
    expect(rotated).toMatchObject({ code: 0 });
    const newKid = before[1].kid;
    // Each instance reads the key table every 5 s anyway; the keys.changed notice makes it at once.
    const delays: number[] = [];
    for (const instance of cluster.instances) {
      const delay = await timeUntil(async () => {
        const keys = (await call(instance.url, 'GET', '/.well-known/jwks.json')).body
          .keys as Array<{ kid: string }>;
        return keys[0].kid === newKid;
      }, 10_000);
      expect(delay).toBeDefined();
      delays.push(delay!);
    }
    record('cluster-key-rotation', {
      what: 'ms from the end of `portcullis keys rotate` until each instance publishes the new key first',
      delays: delays.map((delay) => Number(delay.toFixed(1))),
    });
    const address = await registered(a.url);
    for (const issuer of cluster.instances) {
      const { accessToken } = await login(issuer.url, address);
      expect(JSON.parse(Buffer.from(accessToken.split('.')[0], 'base64url').toString()).kid).toBe(
        newKid,
      );
      for (const verifier of cluster.instances) expect(await me(verifier, accessToken)).toBe(200);
    }
  });

  it('one instance killed mid-load: every answered registration is stored, the others keep answering', async () => {
    const addresses = Array.from({ length: 48 }, () => email());
    const outcomes: Array<{ address: string; status: number }> = [];
    let next = 0;
    const worker = async () => {
      while (next < addresses.length) {
        const address = addresses[next++];
        if (next === 16) c.signalGroup('SIGKILL');
        try {
          const answer = await call(cluster.nginx.url, 'POST', '/auth/register', {
            body: { email: address, password: PASSWORD },
          });
          outcomes.push({ address, status: answer.status });
        } catch {
          outcomes.push({ address, status: 0 });
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    await c.exited;
    const stored = new Set(
      (
        await cluster.query<{ email: string }>('SELECT email FROM users WHERE email = ANY($1)', [
          addresses,
        ])
      ).map((row) => row.email),
    );
    const created = outcomes.filter((outcome) => outcome.status === 201);
    expect(created.length).toBeGreaterThan(24);
    for (const { address } of created) expect(stored.has(address)).toBe(true);
    for (const instance of [a, b])
      expect((await call(instance.url, 'GET', '/health/ready')).status).toBe(200);
    for (let request = 0; request < 6; request += 1) {
      expect((await call(cluster.nginx.url, 'GET', '/health/live')).status).toBe(200);
    }
    expect(await registered(cluster.nginx.url)).toContain('@example.com');
  });
});

describe('Two instances with one login limit, counted in Redis', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster(2, { LOGIN_THROTTLE_LIMIT: '5' });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('LOGIN_THROTTLE_LIMIT attempts in all from one client, however the balancer spreads them', async () => {
    const address = await registered(cluster.instances[0].url, email());
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) {
      // Alternating instances, as a round-robin balancer would; the client is named by X-Forwarded-For.
      const answer = await call(cluster.instances[attempt % 2].url, 'POST', '/auth/login', {
        body: { email: address, password: 'not the password' },
        headers: { 'x-forwarded-for': '203.0.113.7' },
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Another client is not affected.
    const other = await call(cluster.instances[1].url, 'POST', '/auth/login', {
      body: { email: address, password: PASSWORD },
      headers: { 'x-forwarded-for': '203.0.113.8' },
    });
    expect(other.status).toBe(200);
  });
});

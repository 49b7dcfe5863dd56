import jwt from 'jsonwebtoken';
import { SessionsRepository } from '../../src/sessions/sessions.repository';
import { ApiKeysRepository } from '../../src/api-keys/api-keys.repository';
import type { EnvOverrides } from '../../src/config';
import { given, type SignedInActor } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { TestClock } from '../support/clock';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { bearer, expectCode, PASSWORD, uniqueEmail } from '../support/http';
import { captureLogs } from '../support/logs';
import {
  closedPort,
  dropRedisKeys,
  eventually,
  fakeRedis,
  rawRedis,
  redisProxy,
  requireRedis,
  uniqueRedisPrefix,
  type RedisProxy,
} from '../support/redis';

const sidOf = (accessToken: string) => (jwt.decode(accessToken) as { sid: string }).sid;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Longer than a notice takes between two processes on one machine; far shorter than the 30 s cache lifetime. */
const NOTICE_DELAY_MS = 100;

/**
 * Several instances of the server (apps in this process) on one database and one Redis (REDIS_URL): what they
 * share, and how each keeps answering when Redis is gone or misbehaves.
 */
describe('Redis (e2e)', () => {
  let redisUrl: string;

  beforeAll(async () => {
    redisUrl = await requireRedis();
  });

  interface Cluster {
    a: TestApp;
    b: TestApp;
    clock: TestClock;
    close(): Promise<void>;
  }

  /** Two instances on one database, one clock and one REDIS_PREFIX; each with its own REDIS_URL when given. */
  async function twoInstances(
    env: EnvOverrides = {},
    { urlOfB, logsOfB }: { urlOfB?: string; logsOfB?: ReturnType<typeof captureLogs> } = {},
  ): Promise<Cluster> {
    const database: TestDatabase = await createTestDatabase();
    const clock = new TestClock();
    const prefix = uniqueRedisPrefix();
    const shared = { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, ...env };
    const a = await createTestApp({ database, clock, env: shared });
    // Created last: Nest's process-wide logger writes where B's does.
    const b = await createTestApp({
      database,
      clock,
      env: { ...shared, REDIS_URL: urlOfB ?? redisUrl, ...(logsOfB ? { LOG_LEVEL: 'info' } : {}) },
      logStream: logsOfB?.stream,
    });
    return {
      a,
      b,
      clock,
      close: async () => {
        await a.stop();
        await b.stop();
        await database.drop();
        await dropRedisKeys(prefix);
      },
    };
  }

  const me = (t: TestApp, accessToken: string) => t.http.get('/users/me').set(bearer(accessToken));
  const forgot = (t: TestApp) =>
    t.http.post('/auth/password/forgot').send({ email: uniqueEmail() });
  const resend = (t: TestApp) => t.http.post('/auth/email/resend').send({ email: uniqueEmail() });
  const ready = (t: TestApp) => t.http.get('/health/ready');

  /** Revokes a session in the database only, as a revocation whose notice was lost would leave things. */
  const revokeBehindTheCache = (t: TestApp, accessToken: string) =>
    t.app.get(SessionsRepository).revoke(sidOf(accessToken), 'logout', t.clock.now());

  describe('two instances, Redis up', () => {
    let c: Cluster;
    beforeAll(async () => {
      c = await twoInstances({ LOGIN_THROTTLE_LIMIT: '4' });
    });
    afterAll(async () => {
      await c?.close();
    });

    it('both say ready, with Redis up', async () => {
      for (const t of [c.a, c.b]) {
        expect((await ready(t).expect(200)).body).toEqual({
          status: 'ok',
          info: { database: { status: 'up' }, redis: { status: 'up' } },
          error: {},
          details: { database: { status: 'up' }, redis: { status: 'up' } },
        });
      }
    });

    it('share the login limit: LOGIN_THROTTLE_LIMIT attempts in all, whichever instance answers', async () => {
      const attempt = (t: TestApp) =>
        t.http
          .post('/auth/login')
          .send({ email: 'nobody@example.com', password: 'wrong password' });
      for (const t of [c.a, c.b, c.a, c.b]) expect((await attempt(t)).status).toBe(401);
      expectCode(await attempt(c.a), 429, 'rate_limited');
      expectCode(await attempt(c.b), 429, 'rate_limited');
    });

    it('a session revoked through A is refused by B at once, though B holds it as active for 30 s', async () => {
      const user = await given(c.a).signedInUser();
      const control = await given(c.a).session(user);
      await me(c.b, user.tokens.accessToken).expect(200);
      await me(c.b, control.accessToken).expect(200);

      await c.a.http.post('/auth/logout').set(bearer(user.tokens.accessToken)).expect(204);
      await revokeBehindTheCache(c.a, control.accessToken);
      await sleep(NOTICE_DELAY_MS);

      expectCode(await me(c.b, user.tokens.accessToken), 401, 'session_revoked');
      // The control, revoked without a notice, is still answered from B's cache (which is why the first is not).
      await me(c.b, control.accessToken).expect(200);
      c.clock.advanceSeconds(29);
      await me(c.b, control.accessToken).expect(200);
      c.clock.advanceSeconds(2);
      expectCode(await me(c.b, control.accessToken), 401, 'session_revoked');
    });

    it('every session of a user, revoked through A (logout-all), is refused by B at once', async () => {
      const user = await given(c.a).signedInUser();
      const other = await given(c.a).session(user);
      for (const tokens of [user.tokens, other]) await me(c.b, tokens.accessToken).expect(200);
      await c.a.http.post('/auth/logout-all').set(bearer(user.tokens.accessToken)).expect(204);
      await sleep(NOTICE_DELAY_MS);
      for (const tokens of [user.tokens, other]) {
        expectCode(await me(c.b, tokens.accessToken), 401, 'session_revoked');
      }
    });

    it('a session ended through B (DELETE /auth/sessions/:id) is refused by A at once', async () => {
      const user = await given(c.a).signedInUser();
      const other = await given(c.a).session(user);
      await me(c.a, other.accessToken).expect(200);
      await c.b.http
        .delete(`/auth/sessions/${sidOf(other.accessToken)}`)
        .set(bearer(user.tokens.accessToken))
        .expect(204);
      await sleep(NOTICE_DELAY_MS);
      expectCode(await me(c.a, other.accessToken), 401, 'session_revoked');
      await me(c.a, user.tokens.accessToken).expect(200);
    });

    it('the sessions of an account deleted through A are refused by B at once', async () => {
      const user = await given(c.a).signedInUser();
      await me(c.b, user.tokens.accessToken).expect(200);
      await c.a.http
        .delete('/users/me')
        .set(bearer(user.tokens.accessToken))
        .send({ password: PASSWORD })
        .expect(204);
      await sleep(NOTICE_DELAY_MS);
      expectCode(await me(c.b, user.tokens.accessToken), 401, 'session_revoked');
    });

    it('an API key deleted through A is refused by B at once, though B holds its row for 30 s', async () => {
      const user = await given(c.a).signedInUser();
      const create = async (name: string) =>
        (
          await c.a.http
            .post('/api-keys')
            .set(bearer(user.tokens.accessToken))
            .send({ name, scopes: ['users:read'] })
            .expect(201)
        ).body as { id: string; key: string };
      const key = await create('revoked through A');
      const control = await create('deleted behind the cache');
      await me(c.b, key.key).expect(200);
      await me(c.b, control.key).expect(200);

      await c.a.http.delete(`/api-keys/${key.id}`).set(bearer(user.tokens.accessToken)).expect(204);
      await c.a.app.get(ApiKeysRepository).deleteOwn(control.id, user.id);
      await sleep(NOTICE_DELAY_MS);

      expectCode(await me(c.b, key.key), 401, 'invalid_token');
      await me(c.b, control.key).expect(200);
      c.clock.advanceSeconds(31);
      expectCode(await me(c.b, control.key), 401, 'invalid_token');
    });

    it('ignores messages on its channels that are not notices, and acts on well-formed ones from anyone', async () => {
      const user: SignedInActor = await given(c.a).signedInUser();
      await me(c.b, user.tokens.accessToken).expect(200);
      const channel = `${c.b.env.REDIS_PREFIX}notice:sessions.revoked`;
      const redis = rawRedis();
      try {
        for (const message of [
          'garbage',
          '{"from":"x","notice":{"sessionId":"not-a-uuid"}}',
          '{"from":"x","notice":{"userId":null}}',
          '{"from":"x","notice":[1,2,3]}',
          '{"from":"x"}',
          JSON.stringify({ from: 'x', notice: { sessionId: 'a'.repeat(10_000) } }),
        ]) {
          await redis.publish(channel, message);
        }
        await sleep(NOTICE_DELAY_MS);
        await me(c.b, user.tokens.accessToken).expect(200);
        await revokeBehindTheCache(c.a, user.tokens.accessToken);
        await me(c.b, user.tokens.accessToken).expect(200);
        await redis.publish(
          channel,
          JSON.stringify({ from: 'x', notice: { sessionId: sidOf(user.tokens.accessToken) } }),
        );
        await sleep(NOTICE_DELAY_MS);
        expectCode(await me(c.b, user.tokens.accessToken), 401, 'session_revoked');
      } finally {
        redis.disconnect();
      }
    });
  });

  describe('Redis goes down, then comes back', () => {
    let c: Cluster;
    let proxy: RedisProxy;
    const logs = captureLogs();
    const redisLines = (level: string) =>
      logs.entries().filter((entry) => entry.context === 'Redis' && entry.level === level);

    beforeAll(async () => {
      proxy = await redisProxy();
      // B reaches Redis through a proxy the tests cut; A keeps its own connection.
      c = await twoInstances({ LOGIN_THROTTLE_LIMIT: '3' }, { urlOfB: proxy.url(), logsOfB: logs });
    });
    afterAll(async () => {
      await c?.close();
      await proxy?.close();
    });

    it('while down: B answers, says degraded, counts limits in its own memory, and logs one warning', async () => {
      const user = await given(c.a).signedInUser();
      proxy.cut();
      await eventually(
        'B says degraded',
        async () => (await ready(c.b)).body.status === 'degraded',
      );
      expect((await ready(c.b).expect(200)).body).toEqual({
        status: 'degraded',
        info: { database: { status: 'up' } },
        error: { redis: { status: 'down' } },
        details: { database: { status: 'up' }, redis: { status: 'down' } },
      });
      expect((await ready(c.a).expect(200)).body.status).toBe('ok');

      await me(c.b, user.tokens.accessToken).expect(200);
      for (let i = 0; i < 3; i += 1) await forgot(c.b).expect(202);
      expectCode(await forgot(c.b), 429, 'rate_limited');
      // B's attempts were not counted in Redis, where A counts.
      await forgot(c.a).expect(202);

      // Reconnection attempts keep failing meanwhile.
      await sleep(1000);
      expect(redisLines('warn')).toHaveLength(1);
      expect(redisLines('warn')[0].msg).toMatch(
        /unreachable .*rate limits hold per instance and revocations reach other instances through their database checks/,
      );
    });

    it('while down: a session revoked through A is refused by B within a second, not 30', async () => {
      const user = await given(c.a).signedInUser();
      await me(c.b, user.tokens.accessToken).expect(200);
      await c.a.http.post('/auth/logout').set(bearer(user.tokens.accessToken)).expect(204);
      await sleep(NOTICE_DELAY_MS);
      // B missed the notice: its cached answer stands for up to a second...
      await me(c.b, user.tokens.accessToken).expect(200);
      c.clock.advance(1000);
      // ...and no longer.
      expectCode(await me(c.b, user.tokens.accessToken), 401, 'session_revoked');
    });

    it('back up: B says so once, forgets what it cached meanwhile, and shares limits and notices again', async () => {
      const user = await given(c.a).signedInUser();
      const missed = await given(c.a).session(user);
      await me(c.b, missed.accessToken).expect(200);
      await revokeBehindTheCache(c.a, missed.accessToken);

      proxy.restore();
      await eventually('B says ok', async () => (await ready(c.b)).body.status === 'ok');
      expect((await ready(c.b)).body.details).toEqual({
        database: { status: 'up' },
        redis: { status: 'up' },
      });
      const back = redisLines('info').filter((entry) =>
        String(entry.msg).includes('answers again'),
      );
      expect(back).toHaveLength(1);
      expect(redisLines('warn')).toHaveLength(1);

      // Revoked while B could not hear of it: B reloads it rather than keep it for 30 s.
      expectCode(await me(c.b, missed.accessToken), 401, 'session_revoked');

      await me(c.b, user.tokens.accessToken).expect(200);
      await c.a.http.post('/auth/logout').set(bearer(user.tokens.accessToken)).expect(204);
      await sleep(NOTICE_DELAY_MS);
      expectCode(await me(c.b, user.tokens.accessToken), 401, 'session_revoked');

      for (const t of [c.b, c.a, c.b]) await resend(t).expect(202);
      expectCode(await resend(c.b), 429, 'rate_limited');
    });
  });

  describe('a Redis that is unreachable or misbehaves', () => {
    /** One instance on `url`: requests are answered, limits hold per instance, readiness says degraded. */
    async function expectServedWithoutRedis(url: string): Promise<void> {
      const logs = captureLogs();
      const t = await createTestApp({
        env: {
          REDIS_URL: url,
          REDIS_PREFIX: uniqueRedisPrefix(),
          LOGIN_THROTTLE_LIMIT: '2',
          LOG_LEVEL: 'warn',
        },
        logStream: logs.stream,
      });
      try {
        const user = await given(t).signedInUser();
        await me(t, user.tokens.accessToken).expect(200);
        await forgot(t).expect(202);
        await forgot(t).expect(202);
        expectCode(await forgot(t), 429, 'rate_limited');
        await t.http.post('/auth/logout').set(bearer(user.tokens.accessToken)).expect(204);
        expectCode(await me(t, user.tokens.accessToken), 401, 'session_revoked');
        const readiness = (await ready(t).expect(200)).body;
        expect(readiness).toMatchObject({
          status: 'degraded',
          error: { redis: { status: 'down' } },
        });
        const warnings = logs
          .entries()
          .filter((entry) => entry.context === 'Redis' && entry.level === 'warn');
        expect(warnings).toHaveLength(1);
        expect(logs.text()).not.toContain('s3cret-pw');
      } finally {
        await t.close();
      }
    }

    it('nothing listens at REDIS_URL', async () => {
      await expectServedWithoutRedis(`redis://:s3cret-pw@127.0.0.1:${await closedPort()}`);
    });

    it.each([
      ['junk', 'garbage\r\n'],
      ['OK to everything', '+OK\r\n'],
      ['replies of the wrong shape', '*1\r\n$-1\r\n'],
    ])('the server at REDIS_URL answers %s', async (_, reply) => {
      const fake = await fakeRedis(reply);
      try {
        await expectServedWithoutRedis(fake.url.replace('//', '//:s3cret-pw@'));
      } finally {
        await fake.close();
      }
    });

    it.each(['close', 'junk', 'stall'] as const)(
      'Redis answers, but its rate-limit calls %s: requests are answered, limits hold per instance',
      async (meddling) => {
        const proxy = await redisProxy();
        const t = await createTestApp({
          env: {
            REDIS_URL: proxy.url(),
            REDIS_PREFIX: uniqueRedisPrefix(),
            LOGIN_THROTTLE_LIMIT: '2',
          },
        });
        try {
          expect((await ready(t).expect(200)).body.status).toBe('ok');
          proxy.meddle = (commands) => (/EVAL/i.test(commands) ? meddling : 'pass');
          const user = await given(t).signedInUser();
          await me(t, user.tokens.accessToken).expect(200);
          await forgot(t).expect(202);
          await forgot(t).expect(202);
          expectCode(await forgot(t), 429, 'rate_limited');
          await me(t, user.tokens.accessToken).expect(200);
          expect((await ready(t)).status).toBe(200);
        } finally {
          await t.close();
          await proxy.close();
        }
      },
    );
  });
});

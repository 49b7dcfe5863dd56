import { EventEmitter2 } from '@nestjs/event-emitter';
import jwt from 'jsonwebtoken';
import type { DomainEventMap, DomainEventName } from '../../src/events/domain-event-map';
import { createTestApp, type TestApp } from '../support/app';
import { bearer, login, PASSWORD, register, uniqueEmail, type Tokens } from '../support/http';

type Recorded = {
  [K in DomainEventName]: { name: K; payload: DomainEventMap[K] };
}[DomainEventName];

/** The domain events the sign-in flow emits, read right after each response: emit waits for its listeners. */
describe('Domain events (e2e)', () => {
  let t: TestApp;
  let recorded: Recorded[];
  const NAMES: DomainEventName[] = [
    'user.registered',
    'login.succeeded',
    'login.failed',
    'session.revoked',
    'refresh.reused',
  ];

  beforeAll(async () => {
    t = await createTestApp({ env: { REFRESH_REUSE_GRACE: '0' } });
    const emitter = t.app.get(EventEmitter2);
    for (const name of NAMES) {
      emitter.on(name, (payload: unknown) => {
        recorded.push({ name, payload } as Recorded);
      });
    }
  });
  beforeEach(() => {
    recorded = [];
  });
  afterAll(async () => {
    await t.close();
  });

  const sidOf = (tokens: Tokens) => (jwt.decode(tokens.accessToken) as { sid: string }).sid;
  const context = { ip: expect.stringMatching(/127\.0\.0\.1|::1/), userAgent: 'events-e2e' };

  it('user.registered, once, with the new id and the client', async () => {
    const response = await t.http
      .post('/auth/register')
      .set('User-Agent', 'events-e2e')
      .send({ email: uniqueEmail(), password: PASSWORD })
      .expect(201);
    expect(recorded).toEqual([
      { name: 'user.registered', payload: { userId: response.body.id, context } },
    ]);
  });

  it('login.succeeded with the session, login.failed with the reason, and never a secret', async () => {
    const user = await register(t.http);
    recorded = [];
    const tokens = (
      await t.http
        .post('/auth/login')
        .set('User-Agent', 'events-e2e')
        .send({ email: user.email, password: PASSWORD })
        .expect(200)
    ).body as Tokens;
    await t.http
      .post('/auth/login')
      .set('User-Agent', 'events-e2e')
      .send({ email: user.email, password: 'not the password' })
      .expect(401);
    await t.http
      .post('/auth/login')
      .set('User-Agent', 'events-e2e')
      .send({ email: uniqueEmail('nobody'), password: PASSWORD })
      .expect(401);
    expect(recorded).toEqual([
      {
        name: 'login.succeeded',
        payload: { userId: user.id, sessionId: sidOf(tokens), context },
      },
      { name: 'login.failed', payload: { userId: user.id, reason: 'wrong_password', context } },
      { name: 'login.failed', payload: { userId: null, reason: 'unknown_email', context } },
    ]);
    expect(JSON.stringify(recorded)).not.toContain(PASSWORD);
    expect(JSON.stringify(recorded)).not.toContain(tokens.refreshToken);
  });

  it('session.revoked on logout and logout-all, only when something was revoked', async () => {
    const user = await register(t.http);
    const first = await login(t.http, user.email);
    const second = await login(t.http, user.email);
    recorded = [];
    await t.http.post('/auth/logout').set(bearer(first.accessToken)).expect(204);
    await t.http.post('/auth/logout-all').set(bearer(second.accessToken)).expect(204);
    expect(recorded).toEqual([
      {
        name: 'session.revoked',
        payload: expect.objectContaining({
          userId: user.id,
          sessionId: sidOf(first),
          reason: 'logout',
          count: 1,
        }),
      },
      {
        name: 'session.revoked',
        payload: expect.objectContaining({
          userId: user.id,
          sessionId: null,
          reason: 'logout_all',
          count: 1,
        }),
      },
    ]);
  });

  it('refresh.reused, then session.revoked, when a consumed refresh token comes back', async () => {
    const user = await register(t.http);
    const tokens = await login(t.http, user.email);
    await t.http.post('/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(200);
    recorded = [];
    await t.http.post('/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(401);
    expect(recorded.map((event) => event.name)).toEqual(['session.revoked', 'refresh.reused']);
    expect(recorded[1].payload).toEqual({ userId: user.id, sessionId: sidOf(tokens) });
  });
});

import { Logger } from '@nestjs/common';
import { createTestApp, type TestApp } from '../support/app';
import { bearer, login, PASSWORD, register, type Tokens } from '../support/http';
import { captureLogs } from '../support/logs';

/** Structured logs: one line per request, and never a secret, whatever the level. */
describe('Logs (e2e)', () => {
  let t: TestApp;
  const logs = captureLogs();

  beforeAll(async () => {
    t = await createTestApp({ env: { LOG_LEVEL: 'verbose' }, logStream: logs.stream });
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes one JSON line per request at info: method, route, status, duration, request id, user id', async () => {
    const user = await register(t.http);
    const tokens = await login(t.http, user.email);
    const before = logs.entries().length;
    const response = await t.http.get('/users/me?x=1').set(bearer(tokens.accessToken)).expect(200);
    const lines = logs
      .entries()
      .slice(before)
      .filter((entry) => entry.msg === 'request');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        method: 'GET',
        route: '/users/me',
        status: 200,
        ms: expect.any(Number),
        reqId: response.headers['x-request-id'],
        userId: user.id,
      }),
    ]);
  });

  it('never writes a password, a token or an Authorization header, even at the most verbose level', async () => {
    const email = `logged-${Date.now()}@example.com`;
    await register(t.http, { email });
    const tokens = await login(t.http, email);
    const rotated = (
      await t.http.post('/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(200)
    ).body as Tokens;
    await t.http.get('/users/me').set(bearer(rotated.accessToken)).expect(200);
    await t.http.post('/auth/login').send({ email, password: 'a wrong password' }).expect(401);
    const text = logs.text();
    // The requests were logged (so the search below looks at real lines).
    expect(text).toContain('"route":"/auth/refresh"');
    for (const secret of [
      PASSWORD,
      'a wrong password',
      tokens.refreshToken,
      rotated.refreshToken,
    ]) {
      expect(text).not.toContain(secret);
    }
    for (const token of [tokens.accessToken, rotated.accessToken]) {
      expect(text).not.toContain(token.split('.')[2]);
    }
    expect(text).not.toMatch(/Bearer /);
  });

  it('redacts secret fields by configuration, whoever logs them', () => {
    const before = logs.entries().length;
    new Logger('Anywhere').log({
      msg: 'careless',
      password: 'p1',
      body: { refreshToken: 'r1', newPassword: 'p2', name: 'kept' },
      headers: { authorization: 'Bearer a1', cookie: 'c1', 'set-cookie': 'c2' },
    });
    const [entry] = logs.entries().slice(before);
    expect(entry).toMatchObject({
      password: '[redacted]',
      body: { refreshToken: '[redacted]', newPassword: '[redacted]', name: 'kept' },
      headers: { authorization: '[redacted]', cookie: '[redacted]', 'set-cookie': '[redacted]' },
    });
  });
});

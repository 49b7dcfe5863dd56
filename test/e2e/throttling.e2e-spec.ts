import { createTestApp, type TestApp } from '../support/app';
import { PASSWORD, uniqueEmail } from '../support/http';

describe('Rate limiting (e2e)', () => {
  describe('global limit', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { THROTTLE_LIMIT: '5', THROTTLE_TTL: '60' } });
    });
    afterAll(async () => {
      await t.close();
    });
    beforeEach(() => {
      // A new window for every test: the throttler counts on the app's clock.
      t.clock.advanceSeconds(61);
    });

    it('counts every request of a client, whatever the route, then answers 429 with Retry-After', async () => {
      for (let i = 0; i < 3; i += 1) await t.http.get('/health').expect(200);
      for (let i = 0; i < 2; i += 1) await t.http.get('/.well-known/jwks.json').expect(200);
      const response = await t.http.get('/health').expect(429);
      expect(response.body).toMatchObject({
        statusCode: 429,
        error: 'Too Many Requests',
        code: 'rate_limited',
      });
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(60);
    });

    it('ignores X-Forwarded-For unless TRUST_PROXY says otherwise', async () => {
      for (let i = 1; i <= 5; i += 1) {
        await t.http.get('/health').set('X-Forwarded-For', `203.0.113.${i}`).expect(200);
      }
      const response = await t.http.get('/health').set('X-Forwarded-For', '203.0.113.9');
      expect(response.status).toBe(429);
    });
  });

  describe('login limit', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { LOGIN_THROTTLE_LIMIT: '3' } });
    });
    afterAll(async () => {
      await t.close();
    });

    it('allows LOGIN_THROTTLE_LIMIT attempts per minute, then 429, without limiting other routes', async () => {
      for (let i = 0; i < 3; i += 1) {
        await t.http
          .post('/auth/login')
          .send({ email: 'nobody@example.com', password: 'wrong password' })
          .expect(401);
      }
      const response = await t.http
        .post('/auth/login')
        .send({ email: 'nobody@example.com', password: 'x' })
        .expect(429);
      expect(response.body.code).toBe('rate_limited');
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      await t.http.get('/health').expect(200);
    });

    it.each(['/auth/password/forgot', '/auth/email/resend'])(
      'counts %s, which sends mail, under the same limit, per route',
      async (path) => {
        for (let i = 0; i < 3; i += 1) {
          await t.http.post(path).send({ email: uniqueEmail() }).expect(202);
        }
        const response = await t.http.post(path).send({ email: uniqueEmail() }).expect(429);
        expect(response.body.code).toBe('rate_limited');
      },
    );

    it('puts registration, which also costs a password hash, under the same limit', async () => {
      for (let i = 0; i < 3; i += 1) {
        await t.http
          .post('/auth/register')
          .send({ email: uniqueEmail(), password: PASSWORD })
          .expect(201);
      }
      const response = await t.http
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: PASSWORD })
        .expect(429);
      expect(response.body.code).toBe('rate_limited');
    });
  });

  describe('behind a trusted proxy', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { TRUST_PROXY: 'true', THROTTLE_LIMIT: '2' } });
    });
    afterAll(async () => {
      await t.close();
    });

    it('limits each forwarded client separately', async () => {
      for (const client of ['198.51.100.1', '198.51.100.2']) {
        await t.http.get('/health').set('X-Forwarded-For', client).expect(200);
        await t.http.get('/health').set('X-Forwarded-For', client).expect(200);
        await t.http.get('/health').set('X-Forwarded-For', client).expect(429);
      }
      await t.http.get('/health').set('X-Forwarded-For', '198.51.100.3').expect(200);
    });

    it('takes the address the proxy appended, not one the client put in front', async () => {
      for (const spoofed of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
        const response = await t.http
          .get('/health')
          .set('X-Forwarded-For', `${spoofed}, 198.51.100.9`);
        expect({ spoofed, status: response.status }).toEqual({
          spoofed,
          status: spoofed === '203.0.113.3' ? 429 : 200,
        });
      }
    });
  });
});

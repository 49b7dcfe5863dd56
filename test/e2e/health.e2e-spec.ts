import { DataSource } from 'typeorm';
import { createTestApp, type TestApp } from '../support/app';

describe('GET /health (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['/health', '/health/ready'])(
    'GET %s answers 200 {status: "ok"} when the database answers and accepts writes',
    async (path) => {
      const response = await t.http.get(path).expect(200);
      expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    },
  );

  it('GET /health/live answers 200 without asking the database', async () => {
    const response = await t.http.get('/health/live').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });
});

describe('GET /health without a database (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 503 service_unavailable when the database is unreachable; liveness still answers', async () => {
    await t.app.get(DataSource).destroy();
    await t.http.get('/health/live').expect(200);
    expect((await t.http.get('/health/ready')).status).toBe(503);
    const response = await t.http.get('/health').expect(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'service_unavailable',
      status: 'error',
      details: { database: { status: 'down' } },
    });
    // Nothing of the driver's error (host, port, user) reaches an anonymous caller.
    expect(JSON.stringify(response.body)).not.toMatch(
      /sqlite|SQLITE|handle|connection|127\.0\.0\.1/,
    );
  });
});

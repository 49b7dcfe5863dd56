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

  it('answers 200 {status: "ok"} when the database answers', async () => {
    const response = await t.http.get('/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
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

  it('answers 503 service_unavailable when the database is unreachable', async () => {
    await t.app.get(DataSource).destroy();
    const response = await t.http.get('/health').expect(503);
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

import { createServer, type Server } from 'node:http';
import { given, type SignedInActor } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { bearer } from '../support/http';
import { startNginx, type Nginx } from '../support/nginx';

/** What the protected service saw: the caller nginx vouched for, and whether the credential came along. */
interface Seen {
  method: string;
  path: string;
  userId?: string;
  roles?: string;
  scopes?: string;
}

describe('nginx auth_request in front of a service, asking GET /auth/forward', () => {
  let t: TestApp;
  let nginx: Nginx;
  let upstream: Server;
  let user: SignedInActor;

  beforeAll(async () => {
    t = await createTestApp();
    upstream = createServer((request, response) => {
      const seen: Seen = {
        method: request.method ?? '',
        path: request.url ?? '',
        userId: request.headers['x-auth-user-id'] as string | undefined,
        roles: request.headers['x-auth-roles'] as string | undefined,
        scopes: request.headers['x-auth-scopes'] as string | undefined,
      };
      request.resume();
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(seen));
    });
    await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
    const upstreamPort = (upstream.address() as { port: number }).port;
    const portcullis = new URL(await t.app.getUrl());
    // The configuration the README shows, with this test's ports.
    nginx = await startNginx(
      (port) => `server {
    listen 127.0.0.1:${port};
    location / {
      auth_request /_portcullis;
      auth_request_set $auth_user_id $upstream_http_x_auth_user_id;
      auth_request_set $auth_roles $upstream_http_x_auth_roles;
      auth_request_set $auth_scopes $upstream_http_x_auth_scopes;
      proxy_set_header X-Auth-User-Id $auth_user_id;
      proxy_set_header X-Auth-Roles $auth_roles;
      proxy_set_header X-Auth-Scopes $auth_scopes;
      proxy_pass http://127.0.0.1:${upstreamPort};
    }
    location = /_portcullis {
      internal;
      proxy_method GET;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_pass http://127.0.0.1:${portcullis.port}/auth/forward;
    }
  }`,
    );
    user = await given(t).signedInUser();
  });
  afterAll(async () => {
    await nginx?.stop();
    await new Promise((done) => upstream?.close(done));
    await t?.close();
  });

  const through = (path: string, init: RequestInit = {}) => fetch(`${nginx.url}${path}`, init);

  it('passes a request with a live access token, telling the service who calls', async () => {
    const response = await through('/orders?page=2', { headers: bearer(user.tokens.accessToken) });
    expect(response.status).toBe(200);
    expect((await response.json()) as Seen).toEqual({
      method: 'GET',
      path: '/orders?page=2',
      userId: user.id,
      roles: 'user',
      scopes: 'users:read,users:write',
    });
  });

  it('passes a POST with a body too (the check itself is a GET without the body)', async () => {
    const response = await through('/orders', {
      method: 'POST',
      headers: { ...bearer(user.tokens.accessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'book' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Seen).method).toBe('POST');
  });

  it('passes an API key', async () => {
    const created = await t.http
      .post('/api-keys')
      .set(bearer(user.tokens.accessToken))
      .send({ name: 'service', scopes: ['users:read'] })
      .expect(201);
    const response = await through('/reports', { headers: bearer(created.body.key as string) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Seen).scopes).toBe('users:read');
  });

  it('refuses a request without a credential, or with a bad one: 401, the service never sees it', async () => {
    for (const headers of [{}, bearer('not-a-token'), bearer(`${user.tokens.accessToken}x`)]) {
      const response = await through('/orders', { headers });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain('"path"');
    }
  });

  it('refuses a revoked token within a second of the logout', async () => {
    const other = await given(t).signedInUser();
    expect((await through('/orders', { headers: bearer(other.tokens.accessToken) })).status).toBe(
      200,
    );
    await t.http.post('/auth/logout').set(bearer(other.tokens.accessToken)).expect(204);
    const loggedOutAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - loggedOutAt < 1000) {
      status = (await through('/orders', { headers: bearer(other.tokens.accessToken) })).status;
    }
    expect(status).toBe(401);
  });
});

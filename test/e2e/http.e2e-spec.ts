import { given } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { bearer, PASSWORD } from '../support/http';
import { captureLogs } from '../support/logs';
import { OpenApiResponseCheck } from '../support/openapi-check';
import { rawRequest, requestText, type RawResponse } from '../support/raw-http';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every route of the HTTP contract, and whether it needs a bearer token. */
const ROUTES: Array<{
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  public: boolean;
  body?: boolean;
  /** The scopes an API key needs there; none: user sessions only ([] with anyKey: any key). */
  scopes?: string[];
  /** Taken by API keys only, with errors in the OAuth RFCs' form (`error`, not `code`). */
  oauth?: boolean;
  /** Never answers 403: any valid credential passes. */
  anyKey?: boolean;
}> = [
  { method: 'post', path: '/auth/register', public: true, body: true },
  { method: 'post', path: '/auth/login', public: true, body: true },
  { method: 'post', path: '/auth/refresh', public: true, body: true },
  { method: 'post', path: '/auth/logout', public: false },
  { method: 'post', path: '/auth/logout-all', public: false },
  { method: 'get', path: '/auth/sessions', public: false },
  { method: 'delete', path: '/auth/sessions/{id}', public: false },
  { method: 'post', path: '/auth/email/verify', public: true, body: true },
  { method: 'post', path: '/auth/email/resend', public: true, body: true },
  { method: 'post', path: '/auth/password/forgot', public: true, body: true },
  { method: 'post', path: '/auth/password/reset', public: true, body: true },
  { method: 'post', path: '/auth/password/change', public: false, body: true },
  { method: 'get', path: '/users/me', public: false, scopes: ['users:read'] },
  { method: 'patch', path: '/users/me', public: false, body: true, scopes: ['users:write'] },
  { method: 'delete', path: '/users/me', public: false, body: true },
  { method: 'post', path: '/users/me/email', public: false, body: true },
  { method: 'get', path: '/users/me/events', public: false, scopes: ['users:read'] },
  { method: 'get', path: '/api-keys', public: false },
  { method: 'post', path: '/api-keys', public: false, body: true },
  { method: 'delete', path: '/api-keys/{id}', public: false },
  { method: 'get', path: '/admin/users', public: false, scopes: ['admin:read'] },
  { method: 'post', path: '/admin/users', public: false, body: true, scopes: ['admin:write'] },
  { method: 'get', path: '/admin/users/{id}', public: false, scopes: ['admin:read'] },
  {
    method: 'patch',
    path: '/admin/users/{id}',
    public: false,
    body: true,
    scopes: ['admin:write'],
  },
  { method: 'delete', path: '/admin/users/{id}', public: false, scopes: ['admin:write'] },
  { method: 'get', path: '/admin/users/{id}/sessions', public: false, scopes: ['admin:read'] },
  {
    method: 'delete',
    path: '/admin/users/{id}/sessions',
    public: false,
    scopes: ['admin:write'],
  },
  {
    method: 'post',
    path: '/admin/users/{id}/password-reset',
    public: false,
    scopes: ['admin:write'],
  },
  { method: 'get', path: '/admin/events', public: false, scopes: ['admin:read'] },
  { method: 'delete', path: '/admin/users/{id}/mfa', public: false, scopes: ['admin:write'] },
  { method: 'post', path: '/auth/mfa/verify', public: true, body: true },
  { method: 'post', path: '/auth/mfa/totp/setup', public: false, body: true },
  { method: 'post', path: '/auth/mfa/totp/enable', public: false, body: true },
  { method: 'post', path: '/auth/mfa/totp/disable', public: false, body: true },
  { method: 'post', path: '/auth/mfa/recovery-codes', public: false, body: true },
  { method: 'get', path: '/verify-email', public: true },
  { method: 'get', path: '/reset-password', public: true },
  { method: 'get', path: '/.well-known/jwks.json', public: true },
  { method: 'get', path: '/.well-known/oauth-authorization-server', public: true },
  {
    method: 'post',
    path: '/oauth/introspect',
    public: false,
    body: true,
    scopes: ['tokens:introspect'],
    oauth: true,
  },
  { method: 'post', path: '/oauth/revoke', public: true, body: true },
  { method: 'get', path: '/auth/forward', public: false, scopes: [], anyKey: true },
  { method: 'get', path: '/health', public: true },
  { method: 'get', path: '/health/live', public: true },
  { method: 'get', path: '/health/ready', public: true },
];

describe('HTTP platform (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('errors', () => {
    it('answers malformed JSON with 400 invalid_json', async () => {
      const response = await t.http
        .post('/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"email": "a@example.com", "password": ')
        .expect(400);
      expect(response.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.stringContaining('not valid JSON'),
        code: 'invalid_json',
      });
    });

    it('refuses NUL characters in any string with 400 validation_failed', async () => {
      for (const [path, body] of [
        ['/auth/register', { email: 'nul@example.com', password: PASSWORD, name: 'a\u0000b' }],
        ['/auth/login', { email: '\u0000@example.com', password: PASSWORD }],
        ['/auth/refresh', { refreshToken: 'x\u0000' }],
      ] as const) {
        const response = await t.http.post(path).send(body);
        expect({ path, status: response.status, code: response.body.code }).toEqual({
          path,
          status: 400,
          code: 'validation_failed',
        });
      }
    });

    it('refuses bodies nested deeper than 32 levels with 400 validation_failed', async () => {
      const deep = `{"refreshToken":${'['.repeat(40)}${']'.repeat(40)}}`;
      const response = await t.http
        .post('/auth/refresh')
        .set('Content-Type', 'application/json')
        .send(deep);
      expect({ status: response.status, code: response.body.code }).toEqual({
        status: 400,
        code: 'validation_failed',
      });
      expect(response.body.message).toContain('nested more than 32 levels');
    });

    it('refuses prototype-poisoning keys with 400 invalid_json', async () => {
      for (const body of [
        '{"__proto__": {"admin": true}}',
        '{"constructor": {"prototype": {"admin": true}}}',
      ]) {
        const response = await t.http
          .post('/auth/register')
          .set('Content-Type', 'application/json')
          .send(body);
        expect({ status: response.status, code: response.body.code }).toEqual({
          status: 400,
          code: 'invalid_json',
        });
      }
    });

    it.each([
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/xml',
    ])('answers a %s body with 415 unsupported_media_type', async (contentType) => {
      const response = await t.http
        .post('/auth/login')
        .set('Content-Type', contentType)
        .send('email=a&password=b')
        .expect(415);
      expect(response.body).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: expect.stringContaining('application/json'),
        code: 'unsupported_media_type',
      });
    });

    it('answers a 2 MB body with 413 payload_too_large', async () => {
      const response = await t.http
        .post('/auth/register')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(2 * 1024 * 1024) }))
        .expect(413);
      expect(response.body).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
    });

    it('answers a malformed URL with 400 bad_request in the same format', async () => {
      const response = await t.http.get('/%zz').expect(400);
      expect(response.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.stringContaining('URL is not valid'),
        code: 'bad_request',
      });
    });

    it('answers an unknown route with 404 not_found', async () => {
      const response = await t.http.get('/nowhere').expect(404);
      expect(response.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'Cannot GET /nowhere',
        code: 'not_found',
      });
    });

    it('never answers a 5xx to odd bodies on any route', async () => {
      const { tokens } = await given(t).signedInUser();
      const bodies = [
        'null',
        '[]',
        '"text"',
        '42',
        'true',
        '{}',
        '{"email": null, "password": null}',
        '{"email": {"$gt": ""}, "password": {"$gt": ""}}',
        '{"refreshToken": ["a", "b"]}',
        `{"email": "${'a'.repeat(300)}@example.com", "password": "${'p'.repeat(3000)}"}`,
        '{"email": "\\u0000@example.com", "password": "\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000"}',
        '{"a":'.repeat(200) + '1' + '}'.repeat(200),
        `{"refreshToken":${'['.repeat(3000)}${']'.repeat(3000)}}`,
        `{"email":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)},"password":"x"}`,
      ];
      for (const route of ROUTES.filter((r) => r.method === 'post')) {
        for (const body of bodies) {
          const response = await t.http
            .post(route.path)
            .set('Content-Type', 'application/json')
            .set(bearer(tokens.accessToken))
            .send(body);
          expect({
            route: route.path,
            body,
            below500: response.status < 500,
            successOrCoded:
              response.status < 400 ||
              typeof response.body[route.path.startsWith('/oauth/') ? 'error' : 'code'] ===
                'string',
          }).toEqual({ route: route.path, body, below500: true, successOrCoded: true });
        }
      }
    });
  });

  describe('headers', () => {
    it('sends security headers, a request id and no-store on API answers', async () => {
      const { tokens } = await given(t).signedInUser();
      const response = await t.http.get('/users/me').set(bearer(tokens.accessToken)).expect(200);
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
        'cross-origin-resource-policy': 'same-origin',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      });
      expect(response.headers['strict-transport-security']).toContain('max-age=');
      expect(response.headers['x-request-id']).toMatch(UUID);
      expect(response.headers['x-powered-by']).toBeUndefined();
    });

    it('sends the page headers with the docs page: a CSP that lets it load its own files', async () => {
      const response = await t.http.get('/docs').expect(200);
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers).toMatchObject({
        'x-frame-options': 'DENY',
        'cross-origin-opener-policy': 'same-origin',
        'x-content-type-options': 'nosniff',
      });
    });

    it('never takes the request id from the client', async () => {
      const response = await t.http
        .get('/health')
        .set('X-Request-Id', 'attacker-chosen')
        .expect(200);
      expect(response.headers['x-request-id']).toMatch(UUID);
    });
  });

  describe('OpenAPI document', () => {
    it('serves Swagger UI at /docs', async () => {
      const response = await t.http.get('/docs').redirects(1).expect(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.text).toContain('swagger-ui');
    });

    type Operation = {
      responses: Record<string, unknown>;
      security?: unknown[];
      requestBody?: unknown;
    };
    const documentOf = async () =>
      (await t.http.get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, Operation>>;
        components: { securitySchemes: Record<string, { type: string; scheme: string }> };
      };
    const PUBLIC = ROUTES.filter((route) => route.public);
    const PROTECTED = ROUTES.filter((route) => !route.public);

    it('denies by default, names its server, and describes every error field', async () => {
      const document = (await t.http.get('/docs-json').expect(200)).body as {
        security: unknown;
        servers: unknown;
        components: { schemas: Record<string, { properties: Record<string, unknown> }> };
      };
      expect(document.security).toEqual([{ bearer: [] }]);
      expect(document.servers).toEqual([{ url: '/' }]);
      expect(Object.keys(document.components.schemas.ErrorResponseDto.properties).sort()).toEqual([
        'code',
        'error',
        'errors',
        'message',
        'requestId',
        'retryAfter',
        'rule',
        'statusCode',
      ]);
    });

    it('describes each request body as the validation does: formats, lengths, no extra fields', async () => {
      const { components } = (await t.http.get('/docs-json').expect(200)).body as {
        components: { schemas: Record<string, Record<string, unknown>> };
      };
      const { RegisterDto, LoginDto, RefreshDto } = components.schemas;
      for (const schema of [RegisterDto, LoginDto, RefreshDto]) {
        expect(schema.additionalProperties).toBe(false);
      }
      expect(RegisterDto.properties).toMatchObject({
        email: { format: 'email', maxLength: 254 },
        name: { maxLength: 100 },
      });
      expect(LoginDto.properties).toMatchObject({ email: { maxLength: 254 } });
      expect(RefreshDto.properties).toMatchObject({
        refreshToken: { minLength: 1, maxLength: 4096 },
      });
    });

    it.each(['/auth/register', '/auth/login', '/auth/refresh'])(
      'documents what a JSON body can get on POST %s: 400, 413, 415, 429, 503',
      async (path) => {
        const operation = (await documentOf()).paths[path].post;
        expect(Object.keys(operation.responses)).toEqual(
          expect.arrayContaining(['400', '413', '415', '429', '503']),
        );
      },
    );

    it('checks every answer of the e2e suites against it, and the check reports drift', async () => {
      const check = new OpenApiResponseCheck((await t.http.get('/docs-json')).body);
      const answer = (method: string, url: string, status: number, body: object) => ({
        method,
        url,
        status,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify(body),
      });
      const error = {
        statusCode: 401,
        error: 'Unauthorized',
        message: 'no',
        code: 'missing_token',
      };
      expect(check.problems(answer('GET', '/users/me', 401, error))).toEqual([]);
      expect(check.problems(answer('GET', '/users/me', 409, error))).toEqual([
        expect.stringContaining('status 409 is not documented'),
      ]);
      expect(
        check.problems(answer('GET', '/users/me?x=1', 401, { ...error, code: 'nope' })),
      ).toEqual([expect.stringContaining('does not match the document')]);
      expect(check.problems(answer('GET', '/users/me', 200, { id: 'not-a-uuid' }))).toEqual([
        expect.stringContaining('does not match the document'),
      ]);
      expect(
        check.problems(answer('PATCH', '/nowhere', 404, { ...error, statusCode: 404 })),
      ).toEqual([]);
    });

    it('documents every route and the bearer scheme', async () => {
      const document = await documentOf();
      expect(document.components.securitySchemes.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
      const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method} ${path}`),
      );
      expect(documented.sort()).toEqual(
        ROUTES.map((route) => `${route.method} ${route.path}`).sort(),
      );
    });

    it.each(PUBLIC)('documents $method $path as public, with a success answer', async (route) => {
      const operation = (await documentOf()).paths[route.path][route.method];
      expect(Object.keys(operation.responses).some((status) => status.startsWith('2'))).toBe(true);
      expect(operation.security).toEqual([]);
      expect(operation.requestBody !== undefined).toBe(route.body === true);
    });

    it.each(PROTECTED)(
      'documents $method $path with the bearer scheme (and the API-key schemes with their scopes) and its 401 and 403',
      async (route) => {
        const operation = (await documentOf()).paths[route.path][route.method];
        expect(Object.keys(operation.responses).some((status) => status.startsWith('2'))).toBe(
          true,
        );
        const keys = route.scopes ? [{ apiKey: route.scopes }, { apiKeyBasic: route.scopes }] : [];
        expect(operation.security).toEqual(route.oauth ? keys : [{ bearer: [] }, ...keys]);
        expect(Object.keys(operation.responses)).toEqual(
          expect.arrayContaining(route.anyKey ? ['401'] : ['401', '403']),
        );
      },
    );

    it.each(PUBLIC)('matches the guard: $method $path answers without a token', async (route) => {
      const response = await t.http[route.method](route.path)
        .set('Content-Type', 'application/json')
        .send('{}');
      expect(response.status).not.toBe(401);
    });

    it.each(PROTECTED)(
      'matches the guard: $method $path answers 401 without a token',
      async (route) => {
        const response = await t.http[route.method](route.path)
          .set('Content-Type', 'application/json')
          .send('{}');
        if (route.oauth) expect(response.body.error).toBe('invalid_client');
        else expect(response.body.code).toBe('missing_token');
      },
    );
  });
});

describe('HTTP edges (e2e)', () => {
  let t: TestApp;
  let url: string;
  const logs = captureLogs();

  beforeAll(async () => {
    t = await createTestApp({
      env: { REQUEST_TIMEOUT: '1', LOG_LEVEL: 'debug' },
      logStream: logs.stream,
    });
    url = await t.app.getUrl();
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (path: string) => rawRequest(url, requestText([`GET ${path} HTTP/1.1`, 'Host: x']));
  const errorBodyOf = (response: RawResponse) =>
    JSON.parse(response.body) as Record<string, unknown>;

  describe('the docs files', () => {
    it.each([
      '/docs/..',
      '/docs/../package.json',
      '/docs/%2e%2e/',
      '/docs/%2e%2e/%2e%2e/package.json',
      '/docs/..%2f..%2fpackage.json',
      '/docs/%2fetc%2fpasswd',
      '/docs/..%5c..%5cpackage.json',
      '/docs/%00',
      '/docs/swagger-ui.css%00.js',
      '/docs/package.json',
      '/docs/README.md',
      '/docs/swagger-ui-bundle.js.map',
      '/docs/oauth2-redirect.html',
    ])('answers %s with 404 not_found', async (path) => {
      const response = await get(path);
      expect({ path, status: response.status, code: errorBodyOf(response).code }).toEqual({
        path,
        status: 404,
        code: 'not_found',
      });
    });

    it('serves the files the page loads, without pointers to source maps', async () => {
      const page = await t.http.get('/docs').expect(200);
      const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
      expect(assets.length).toBeGreaterThanOrEqual(5);
      for (const asset of assets) {
        const response = await t.http.get(asset).buffer(true).expect(200);
        const text = response.text ?? (response.body as Buffer).toString('utf8');
        expect({ asset, mapped: /sourceMappingURL/.test(text) }).toEqual({ asset, mapped: false });
      }
    });
  });

  describe('a known path with another method', () => {
    it.each([
      ['GET', '/auth/login', 'POST'],
      ['PUT', '/users/me', 'DELETE, GET, HEAD, PATCH'],
      ['PUT', '/health/live', 'GET, HEAD'],
    ])('%s %s answers 405 method_not_allowed with Allow: %s', async (method, path, allow) => {
      const response = await rawRequest(
        url,
        requestText([`${method} ${path} HTTP/1.1`, 'Host: x', 'Content-Length: 0']),
      );
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe(allow);
      expect(errorBodyOf(response)).toMatchObject({ statusCode: 405, code: 'method_not_allowed' });
    });

    it('still answers 404 for an unknown path', async () => {
      expect((await get('/auth/nowhere')).status).toBe(404);
    });
  });

  describe('protocol errors', () => {
    it.each([
      [
        'headers too large',
        ['GET /health HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(20_000)}`],
        431,
        'headers_too_large',
      ],
      ['a malformed request line', ['GARBAGE'], 400, 'bad_request'],
      [
        'a malformed header',
        ['GET /health HTTP/1.1', 'Host: x', 'Bad Header Line'],
        400,
        'bad_request',
      ],
      [
        'a negative Content-Length',
        ['POST /auth/login HTTP/1.1', 'Host: x', 'Content-Length: -1'],
        400,
        'bad_request',
      ],
      [
        'an unsupported Expect',
        ['POST /auth/login HTTP/1.1', 'Host: x', 'Expect: 200-ok', 'Content-Length: 0'],
        417,
        'expectation_failed',
      ],
    ] as const)(
      'answers %s with the JSON error body and Connection: close; the next connection works',
      async (_case, lines, status, code) => {
        const response = await rawRequest(url, requestText([...lines]));
        expect(response.status).toBe(status);
        expect(response.headers.connection).toBe('close');
        expect(errorBodyOf(response)).toMatchObject({ statusCode: status, code });
        expect((await get('/health/live')).status).toBe(200);
      },
    );
  });

  describe('slow and stalled clients', () => {
    it('cuts off a client that sends half a body and stops, with 408 after REQUEST_TIMEOUT', async () => {
      const response = await rawRequest(
        url,
        requestText(
          [
            'POST /auth/login HTTP/1.1',
            'Host: x',
            'Content-Type: application/json',
            'Content-Length: 100',
          ],
          '{"email":',
        ),
        { stall: true },
      );
      expect(response.status).toBe(408);
      expect(errorBodyOf(response)).toMatchObject({ code: 'request_timeout' });
    });

    it('logs a client that aborts mid-body at debug, as an aborted request, and never as a 500', async () => {
      const before = logs.entries().length;
      await rawRequest(
        url,
        requestText(
          [
            'POST /auth/register HTTP/1.1',
            'Host: x',
            'Content-Type: application/json',
            'Content-Length: 100',
          ],
          '{"email":',
        ),
        { abortAfterMs: 50 },
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const entries = logs.entries().slice(before);
      expect(entries.filter((entry) => entry.level === 'error')).toEqual([]);
      expect(entries).toContainEqual(
        expect.objectContaining({ level: 'debug', msg: expect.stringContaining('aborted') }),
      );
      expect(entries.some((entry) => entry.status === 500)).toBe(false);
    });
  });
});

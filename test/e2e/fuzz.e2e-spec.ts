import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { given, type Actor } from '../support/actors';
import { UsersService } from '../../src/users/users.service';
import { AfterAnswer } from '../../src/common/after-answer';
import { createTestApp, type TestApp } from '../support/app';
import { bearer } from '../support/http';

/** Every operation of the API, with the fields its body takes (if any). */
const OPERATIONS: Array<{
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  fields: string[];
  /** A user session's access token, or (`'introspection key'`) an API key holding tokens:introspect. */
  bearer: boolean | 'introspection key';
}> = [
  { method: 'post', path: '/auth/register', fields: ['email', 'password', 'name'], bearer: false },
  { method: 'post', path: '/auth/login', fields: ['email', 'password'], bearer: false },
  { method: 'post', path: '/auth/refresh', fields: ['refreshToken'], bearer: false },
  { method: 'post', path: '/auth/logout', fields: [], bearer: true },
  { method: 'post', path: '/auth/logout-all', fields: [], bearer: true },
  { method: 'get', path: '/auth/sessions', fields: [], bearer: true },
  { method: 'delete', path: '/auth/sessions/{id}', fields: [], bearer: true },
  { method: 'post', path: '/auth/email/verify', fields: ['token'], bearer: false },
  { method: 'post', path: '/auth/email/resend', fields: ['email'], bearer: false },
  { method: 'post', path: '/auth/password/forgot', fields: ['email'], bearer: false },
  { method: 'post', path: '/auth/password/reset', fields: ['token', 'newPassword'], bearer: false },
  {
    method: 'post',
    path: '/auth/password/change',
    fields: ['currentPassword', 'newPassword'],
    bearer: true,
  },
  { method: 'get', path: '/users/me', fields: [], bearer: true },
  { method: 'patch', path: '/users/me', fields: ['name'], bearer: true },
  { method: 'delete', path: '/users/me', fields: ['password'], bearer: true },
  { method: 'post', path: '/users/me/email', fields: ['newEmail', 'password'], bearer: true },
  { method: 'get', path: '/users/me/events', fields: [], bearer: true },
  { method: 'get', path: '/api-keys', fields: [], bearer: true },
  { method: 'post', path: '/api-keys', fields: ['name', 'scopes', 'expiresAt'], bearer: true },
  { method: 'delete', path: '/api-keys/{id}', fields: [], bearer: true },
  { method: 'get', path: '/admin/users', fields: [], bearer: true },
  {
    method: 'post',
    path: '/admin/users',
    fields: ['email', 'name', 'password', 'roles'],
    bearer: true,
  },
  { method: 'get', path: '/admin/users/{id}', fields: [], bearer: true },
  {
    method: 'patch',
    path: '/admin/users/{id}',
    fields: ['name', 'roles', 'disabled', 'emailVerified'],
    bearer: true,
  },
  { method: 'delete', path: '/admin/users/{id}', fields: [], bearer: true },
  { method: 'get', path: '/admin/users/{id}/sessions', fields: [], bearer: true },
  { method: 'delete', path: '/admin/users/{id}/sessions', fields: [], bearer: true },
  { method: 'post', path: '/admin/users/{id}/password-reset', fields: [], bearer: true },
  { method: 'get', path: '/admin/events', fields: [], bearer: true },
  { method: 'delete', path: '/admin/users/{id}/mfa', fields: [], bearer: true },
  {
    method: 'post',
    path: '/auth/mfa/verify',
    fields: ['mfaToken', 'code', 'recoveryCode'],
    bearer: false,
  },
  { method: 'post', path: '/auth/mfa/totp/setup', fields: ['password'], bearer: true },
  { method: 'post', path: '/auth/mfa/totp/enable', fields: ['code'], bearer: true },
  { method: 'post', path: '/auth/mfa/totp/disable', fields: ['password', 'code'], bearer: true },
  { method: 'post', path: '/auth/mfa/recovery-codes', fields: ['password', 'code'], bearer: true },
  { method: 'get', path: '/verify-email', fields: [], bearer: false },
  { method: 'get', path: '/reset-password', fields: [], bearer: false },
  { method: 'get', path: '/.well-known/jwks.json', fields: [], bearer: false },
  { method: 'get', path: '/.well-known/oauth-authorization-server', fields: [], bearer: false },
  {
    method: 'post',
    path: '/oauth/introspect',
    fields: ['token', 'token_type_hint'],
    bearer: 'introspection key',
  },
  { method: 'post', path: '/oauth/revoke', fields: ['token', 'token_type_hint'], bearer: false },
  { method: 'get', path: '/auth/forward', fields: [], bearer: true },
  { method: 'get', path: '/health', fields: [], bearer: false },
  { method: 'get', path: '/health/live', fields: [], bearer: false },
  { method: 'get', path: '/health/ready', fields: [], bearer: false },
];

const TABLES = [
  'users',
  'sessions',
  'refresh_tokens',
  'one_time_tokens',
  'mail_outbox',
  'api_keys',
  'mfa_totp',
  'mfa_recovery_codes',
];

/** Strings that tend to break things: huge, NUL, lone surrogates, format characters, injection-looking. */
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.constantFrom(
    '',
    '\u0000',
    '\ud800',
    '\udc00x',
    '\u202e',
    '\u200b@example.com',
    "' OR 1=1 --",
    '__proto__',
    'a'.repeat(5000),
    'x@example.com',
    'correct horse battery staple',
  ),
);

/** Any JSON value, deep or flat, including the shapes the routes expect with the wrong kinds of values. */
const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }),
  fc.constant(null),
  fc.array(nastyString, { maxLength: 5 }),
  fc.object({ maxDepth: 3, values: [nastyString, fc.integer(), fc.double(), fc.boolean()] }),
);

const bodyFor = (fields: string[]) =>
  fc.oneof(
    jsonValue,
    fields.length === 0
      ? jsonValue
      : fc.dictionary(
          fc.constantFrom(...fields, 'roles', 'admin', 'constructor'),
          fc.oneof(nastyString, jsonValue),
          {
            maxKeys: fields.length + 1,
          },
        ),
  );

/** What goes on the wire: JSON of any shape, or text that is not JSON at all. */
const payload = (fields: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: bodyFor(fields).map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );

const queryString = fc
  .dictionary(fc.string({ maxLength: 8 }), fc.oneof(nastyString, fc.integer().map(String)), {
    maxKeys: 3,
  })
  .map((query) => new URLSearchParams(query).toString());

/** Random bodies and queries on every route: never a 5xx, and a refused request stores nothing. */
describe('Any body, any query (property-based, e2e)', () => {
  let t: TestApp;
  let user: Actor;
  /** An API key holding tokens:introspect, for the introspection route. */
  let introspectionKey: string;

  beforeAll(async () => {
    // Wrong passwords in random bodies count toward lockout; a lock would (rightly) queue a notice mail, a row
    // written by a refused request. Lockout has its own suites: here it stays out of the way.
    t = await createTestApp({ env: { LOCKOUT_THRESHOLD: '1000000' } });
    // A password no generated value can hit: a random body must never delete or change the account.
    user = await given(t).user({ password: `fuzz ${randomBytes(24).toString('base64url')}` });
    // The only administrator, so that the /admin routes get past the role check to the input, and that no random
    // body can demote, disable or delete it (409 last_admin).
    await t.app.get(UsersService).administer(user.id, { roles: ['user', 'admin'] });
    const session = await given(t).session(user);
    introspectionKey = (
      await t.http
        .post('/api-keys')
        .set(bearer(session.accessToken))
        .send({ name: 'introspection', scopes: ['tokens:introspect'] })
        .expect(201)
    ).body.key as string;
  });
  afterAll(async () => {
    await t.close();
  });

  const counts = async () => {
    const dataSource = t.app.get(DataSource);
    const rows: Record<string, number> = {};
    for (const table of TABLES) {
      const [{ count }] = await dataSource.query<Array<{ count: string | number }>>(
        `SELECT COUNT(*) AS count FROM ${table}`,
      );
      rows[table] = Number(count);
    }
    return rows;
  };

  it('covers every operation of the OpenAPI document, with the fields of its body', async () => {
    const document = (await t.http.get('/docs-json').expect(200)).body as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<
                string,
                { schema: { $ref?: string; properties?: Record<string, unknown> } }
              >;
            };
          }
        >
      >;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => {
        const schema = operation.requestBody?.content['application/json'].schema;
        const fields = schema?.$ref
          ? Object.keys(document.components.schemas[schema.$ref.split('/').pop()!].properties)
          : Object.keys(schema?.properties ?? {});
        return `${method} ${path} ${fields.sort().join(',')}`;
      }),
    );
    const covered = OPERATIONS.map(
      ({ method, path, fields }) => `${method} ${path} ${[...fields].sort().join(',')}`,
    );
    expect(covered.sort()).toEqual(documented.sort());
  });

  it.each(OPERATIONS)('$method $path', async (operation) => {
    await fc.assert(
      fc.asyncProperty(payload(operation.fields), queryString, async (body, query) => {
        // A session of its own for each run: logout may end the one before.
        const tokens = operation.bearer === true ? await given(t).session(user) : undefined;
        // An accepted password-reset or resend request of an earlier run writes its token and mail after its answer.
        await t.app.get(AfterAnswer).settled();
        const before = await counts();
        // `{id}` is the fuzzing account's own id: the routes act on a real account, never on a literal.
        const path = operation.path.replace('{id}', user.id);
        let request = t.http[operation.method](`${path}${query ? `?${query}` : ''}`);
        if (tokens) request = request.set(bearer(tokens.accessToken));
        if (operation.bearer === 'introspection key')
          request = request.set(bearer(introspectionKey));
        const response =
          operation.method === 'get'
            ? await request
            : await request.set('Content-Type', 'application/json').send(body);
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          // The OAuth routes answer errors in the RFCs' form.
          const errorMember = operation.path.startsWith('/oauth/') ? 'error' : 'code';
          expect(typeof response.body[errorMember]).toBe('string');
          expect(await counts()).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
  });
});

import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { given, type SignedInActor } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { bearer } from '../support/http';

const FORM = 'application/x-www-form-urlencoded';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const basic = (key: string) => {
  const [, id, secret] = /^pck_([^_]+)_(.+)$/.exec(key)!;
  return { Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
};

describe('For other services (e2e)', () => {
  let t: TestApp;
  let admin: SignedInActor;
  /** An admin's key narrowed to tokens:introspect: what a resource server holds. */
  let introspectionKey: string;

  const apiKey = async (actor: SignedInActor, scopes: string[]) =>
    (
      await t.http
        .post('/api-keys')
        .set(bearer(actor.tokens.accessToken))
        .send({ name: `key ${scopes.join(' ')}`, scopes })
        .expect(201)
    ).body.key as string;
  const introspect = (
    token: string,
    credential: Record<string, string> = bearer(introspectionKey),
  ) => t.http.post('/oauth/introspect').set(credential).type(FORM).send(form({ token }));

  beforeAll(async () => {
    t = await createTestApp();
    admin = await given(t).admin();
    introspectionKey = await apiKey(admin, ['tokens:introspect']);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('GET /.well-known/oauth-authorization-server (RFC 8414)', () => {
    it('names the issuer, the JWKS, introspection and revocation, their client authentication and the algorithms', async () => {
      const response = await t.http.get('/.well-known/oauth-authorization-server').expect(200);
      expect(response.headers['cache-control']).toBe('public, max-age=300');
      const base = t.config.mail.publicUrl;
      expect(response.body).toEqual({
        issuer: t.config.tokens.issuer,
        jwks_uri: `${base}/.well-known/jwks.json`,
        introspection_endpoint: `${base}/oauth/introspect`,
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'bearer'],
        revocation_endpoint: `${base}/oauth/revoke`,
        revocation_endpoint_auth_methods_supported: ['none'],
        access_token_signing_alg_values_supported: ['ES256'],
        scopes_supported: expect.arrayContaining(['tokens:introspect', 'users:read']),
        response_types_supported: [],
        service_documentation: `${base}/docs`,
      });
    });
  });

  describe('POST /oauth/introspect (RFC 7662)', () => {
    it('a live access token: active, with sub, sid, iss, aud, exp, iat, token_type and roles; no-store', async () => {
      const user = await given(t).signedInUser();
      const response = await introspect(user.tokens.accessToken).expect(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const claims = jwt.decode(user.tokens.accessToken) as Record<string, unknown>;
      expect(response.body).toEqual({
        active: true,
        sub: user.id,
        sid: claims.sid,
        iss: t.config.tokens.issuer,
        aud: t.config.tokens.audience,
        exp: claims.exp,
        iat: claims.iat,
        jti: claims.jti,
        token_type: 'Bearer',
        roles: ['user'],
        amr: ['pwd'],
      });
      expect(response.body.scope).toBeUndefined();
    });

    it('accepts the key as HTTP Basic and the body as JSON too', async () => {
      const user = await given(t).signedInUser();
      const response = await t.http
        .post('/oauth/introspect')
        .set(basic(introspectionKey))
        .send({ token: user.tokens.accessToken, token_type_hint: 'access_token' })
        .expect(200);
      expect(response.body).toMatchObject({ active: true, sub: user.id });
    });

    it('a live API key: active, with its scope (space-separated) and its owner', async () => {
      const user = await given(t).signedInUser();
      const key = await apiKey(user, ['users:read', 'users:write']);
      const response = await introspect(key).expect(200);
      expect(response.body).toEqual({
        active: true,
        sub: user.id,
        client_id: /^pck_([^_]+)_/.exec(key)![1],
        iss: t.config.tokens.issuer,
        token_type: 'Bearer',
        roles: ['user'],
        scope: 'users:read users:write',
      });
    });

    it('{active: false} alone for a revoked session, an expired, foreign, malformed or refresh token', async () => {
      const revoked = await given(t).signedInUser();
      await t.http.post('/auth/logout').set(bearer(revoked.tokens.accessToken)).expect(204);
      const live = await given(t).signedInUser();
      const claims = jwt.decode(live.tokens.accessToken) as Record<string, unknown>;
      const foreignKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const foreign = jwt.sign(claims, foreignKey, {
        algorithm: 'ES256',
        header: {
          alg: 'ES256',
          typ: 'at+jwt',
          kid: jwt.decode(live.tokens.accessToken, { complete: true })!.header.kid,
        },
      });
      const [header, payload, signature] = live.tokens.accessToken.split('.');
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url')}.${signature}`;
      const unknownKey = `pck_${'A'.repeat(16)}_${'b'.repeat(43)}`;
      for (const token of [
        revoked.tokens.accessToken,
        foreign,
        tampered,
        `${header}.${payload}.`,
        'not a token',
        live.tokens.refreshToken,
        unknownKey,
        'a.b.c',
      ]) {
        const response = await introspect(token).expect(200);
        expect({ token, body: response.body }).toEqual({ token, body: { active: false } });
      }
      t.clock.advanceSeconds(t.config.tokens.accessTokenTtl);
      try {
        expect((await introspect(live.tokens.accessToken).expect(200)).body).toEqual({
          active: false,
        });
      } finally {
        t.clock.advanceSeconds(-t.config.tokens.accessTokenTtl);
      }
    });

    it('refuses callers without an introspection key in the RFC form: 401 invalid_client with WWW-Authenticate, 403 insufficient_scope', async () => {
      const user = await given(t).signedInUser();
      const token = user.tokens.accessToken;
      for (const credential of [
        {},
        bearer(`pck_${'A'.repeat(16)}_${'b'.repeat(43)}`),
        { Authorization: `Basic ${Buffer.from('nobody:nothing').toString('base64')}` },
        bearer(admin.tokens.accessToken),
        bearer(token),
      ]) {
        const response = await introspect(token, credential);
        expect(response.status).toBe(401);
        expect(response.body).toEqual({
          error: 'invalid_client',
          error_description: expect.any(String),
        });
        expect(response.headers['www-authenticate']).toMatch(/^(Basic|Bearer) realm="portcullis"/);
      }
      const narrow = await introspect(token, bearer(await apiKey(admin, ['users:read'])));
      expect(narrow.status).toBe(403);
      expect(narrow.body).toEqual({
        error: 'insufficient_scope',
        error_description: expect.stringContaining('tokens:introspect'),
      });
    });

    it('answers a bad request with 400 invalid_request, whatever its shape; never a 5xx', async () => {
      const send = (body: string, type: string) =>
        t.http
          .post('/oauth/introspect')
          .set(bearer(introspectionKey))
          .set('Content-Type', type)
          .send(body);
      for (const [body, type] of [
        ['', FORM],
        ['token=', FORM],
        ['token=a&token=b', FORM],
        ['token_type_hint=access_token', FORM],
        [`token=${'x'.repeat(8193)}`, FORM],
        ['{"token": 5}', 'application/json'],
        ['{"token": ["a"]}', 'application/json'],
        ['[]', 'application/json'],
        ['"token"', 'application/json'],
        ['{"token":', 'application/json'],
        ['token=a%00b', FORM],
      ]) {
        const response = await send(body, type);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expect(response.body).toEqual({
          error: 'invalid_request',
          error_description: expect.any(String),
        });
      }
      const xml = await send('<token/>', 'application/xml');
      expect(xml.status).toBe(415);
      expect(xml.body.error).toBe('invalid_request');
      const unknownParameters = await send(form({ token: 'x', client_id: 'ignored' }), FORM);
      expect(unknownParameters.status).toBe(200);
    });
  });

  describe('POST /oauth/revoke (RFC 7009)', () => {
    it('a refresh token ends its session: its access token and refresh token stop working; 200 with no body', async () => {
      const user = await given(t).signedInUser();
      const response = await t.http
        .post('/oauth/revoke')
        .type(FORM)
        .send(form({ token: user.tokens.refreshToken, token_type_hint: 'refresh_token' }))
        .expect(200);
      expect(response.text).toBe('');
      expect((await t.http.get('/users/me').set(bearer(user.tokens.accessToken))).body.code).toBe(
        'session_revoked',
      );
      const refreshed = await t.http
        .post('/auth/refresh')
        .send({ refreshToken: user.tokens.refreshToken });
      expect(refreshed.body.code).toBe('session_revoked');
      expect((await introspect(user.tokens.accessToken)).body).toEqual({ active: false });
    });

    it('an access token ends its session; an API key is deleted', async () => {
      const user = await given(t).signedInUser();
      const key = await apiKey(user, ['users:read']);
      await t.http.post('/oauth/revoke').send({ token: user.tokens.accessToken }).expect(200);
      expect((await t.http.get('/users/me').set(bearer(user.tokens.accessToken))).status).toBe(401);
      await t.http.get('/users/me').set(bearer(key)).expect(200);
      await t.http
        .post('/oauth/revoke')
        .type(FORM)
        .send(form({ token: key }))
        .expect(200);
      expect((await t.http.get('/users/me').set(bearer(key))).status).toBe(401);
    });

    it('answers 200 for unknown, malformed and already revoked tokens, and changes nothing', async () => {
      const user = await given(t).signedInUser();
      for (const token of [
        'unknown',
        'a.b.c',
        `pck_${'A'.repeat(16)}_${'b'.repeat(43)}`,
        'x'.repeat(64),
      ]) {
        await t.http.post('/oauth/revoke').type(FORM).send(form({ token })).expect(200);
      }
      await t.http.get('/users/me').set(bearer(user.tokens.accessToken)).expect(200);
      await t.http.post('/oauth/revoke').send({ token: user.tokens.refreshToken }).expect(200);
      await t.http.post('/oauth/revoke').send({ token: user.tokens.refreshToken }).expect(200);
    });

    it('400 invalid_request without a token; form bodies are refused on every other route (415)', async () => {
      const missing = await t.http.post('/oauth/revoke').type(FORM).send('');
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({
        error: 'invalid_request',
        error_description: 'the parameter token is missing',
      });
      const login = await t.http
        .post('/auth/login')
        .type(FORM)
        .send(form({ email: 'a@b.c', password: 'x' }));
      expect(login.status).toBe(415);
      expect(login.body.code).toBe('unsupported_media_type');
    });
  });

  describe('GET /auth/forward (gateways)', () => {
    it('an access token: 200 with X-Auth-User-Id, X-Auth-Roles, X-Auth-Scopes and Cache-Control no-store', async () => {
      const user = await given(t).signedInUser();
      const response = await t.http
        .get('/auth/forward')
        .set(bearer(user.tokens.accessToken))
        .expect(200);
      expect(response.headers['x-auth-user-id']).toBe(user.id);
      expect(response.headers['x-auth-roles']).toBe('user');
      expect(response.headers['x-auth-scopes']).toBe('users:read,users:write');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        userId: user.id,
        kind: 'user',
        roles: ['user'],
        scopes: ['users:read', 'users:write'],
      });
    });

    it('an API key, whatever its scopes, as Bearer or Basic', async () => {
      const key = await apiKey(admin, ['admin:read']);
      for (const credential of [bearer(key), basic(key)]) {
        const response = await t.http.get('/auth/forward').set(credential).expect(200);
        expect(response.headers['x-auth-user-id']).toBe(admin.id);
        expect(response.headers['x-auth-roles']).toBe('user,admin');
        expect(response.headers['x-auth-scopes']).toBe('admin:read');
        expect(response.body.kind).toBe('api_key');
      }
    });

    it('401 without a credential, with a bad or revoked one; nothing of the caller in the headers', async () => {
      const user = await given(t).signedInUser();
      await t.http.post('/auth/logout').set(bearer(user.tokens.accessToken)).expect(204);
      for (const credential of [{}, bearer('nonsense'), bearer(user.tokens.accessToken)]) {
        const response = await t.http
          .get('/auth/forward')
          .set(credential as Record<string, string>);
        expect(response.status).toBe(401);
        expect(response.headers['x-auth-user-id']).toBeUndefined();
        expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="portcullis"/);
      }
    });

    it('is not rate limited, nor is introspection: gateways and resource servers ask on every request', async () => {
      const limited = await createTestApp({ env: { THROTTLE_LIMIT: '3' } });
      try {
        const user = await given(limited).signedInUser();
        const owner = await given(limited).admin();
        const key = (
          await limited.http
            .post('/api-keys')
            .set(bearer(owner.tokens.accessToken))
            .send({ name: 'introspection', scopes: ['tokens:introspect'] })
            .expect(201)
        ).body.key as string;
        for (let request = 0; request < 6; request += 1) {
          await limited.http.get('/auth/forward').set(bearer(user.tokens.accessToken)).expect(200);
          await limited.http
            .post('/oauth/introspect')
            .set(bearer(key))
            .send({ token: user.tokens.accessToken })
            .expect(200);
        }
        // The limit holds elsewhere, and the twelve calls above did not count toward it (POST /api-keys did).
        for (let request = 0; request < 2; request += 1) {
          await limited.http.get('/users/me').set(bearer(user.tokens.accessToken)).expect(200);
        }
        expect(
          (await limited.http.get('/users/me').set(bearer(user.tokens.accessToken))).status,
        ).toBe(429);
        // Revocation is public: it counts like any other route (RFC form under /oauth/).
        const revoke = await limited.http.post('/oauth/revoke').send({ token: 'unknown' });
        expect(revoke.status).toBe(429);
        expect(revoke.body.error).toBe('temporarily_unavailable');
      } finally {
        await limited.close();
      }
    });
  });
});

import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { ApiKey } from '../../src/api-keys/api-key.entity';
import { ApiKeyResolver } from '../../src/api-keys/api-key.resolver';
import { ApiKeysRepository } from '../../src/api-keys/api-keys.repository';
import { UsersService } from '../../src/users/users.service';
import { given, type SignedInActor } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { storedBytes } from '../support/stored-bytes';
import { bearer, expectCode } from '../support/http';

interface CreatedKey {
  id: string;
  name: string;
  key: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

const KEY_SHAPE = /^pck_([0-9A-Za-z]{16})_([0-9A-Za-z]{43})$/;
const secretOf = (key: string) => key.slice('pck_'.length + 16 + 1);
const basic = (id: string, secret: string) => ({
  Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
});
const basicOf = (key: string) => basic(key.slice(4, 20), secretOf(key));
const iso = (ms: number) => new Date(ms).toISOString();
/** Another secret of the right shape. */
const otherSecret = (secret: string) => (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1);

describe('API keys (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const create = (accessToken: string, body: unknown) =>
    t.http
      .post('/api-keys')
      .set(bearer(accessToken))
      .send(body as object);
  const list = async (accessToken: string): Promise<CreatedKey[]> =>
    (await t.http.get('/api-keys').set(bearer(accessToken)).expect(200)).body as CreatedKey[];
  const me = (headers: Record<string, string>) => t.http.get('/users/me').set(headers);

  /** A key of `user` made through the route, with `scopes` (users:read by default). */
  async function keyOf(
    user: SignedInActor,
    scopes: string[] = ['users:read'],
    more: Record<string, unknown> = {},
  ): Promise<CreatedKey> {
    const response = await create(user.tokens.accessToken, { name: 'ci', scopes, ...more });
    expect(response.status).toBe(201);
    return response.body as CreatedKey;
  }

  /** A signed-in user holding the admin role, with a session whose token carries it. */
  async function signedInAdmin(): Promise<SignedInActor> {
    const user = await given(t).user();
    await t.app.get(UsersService).administer(user.id, { roles: ['user', 'admin'] });
    return { ...user, tokens: await given(t).session(user) };
  }

  describe('POST /api-keys', () => {
    it('makes a key and shows it once: 201, pck_<id>_<secret>, Cache-Control no-store', async () => {
      const user = await given(t).signedInUser();
      const response = await create(user.tokens.accessToken, {
        name: 'deploys',
        scopes: ['users:read', 'users:write'],
      });
      expect(response.status).toBe(201);
      const body = response.body as CreatedKey;
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9A-Za-z]{16}$/),
        name: 'deploys',
        key: expect.stringMatching(KEY_SHAPE),
        scopes: ['users:read', 'users:write'],
        createdAt: iso(t.clock.now()),
        expiresAt: null,
        lastUsedAt: null,
      });
      expect(Object.keys(body)).toEqual([
        'id',
        'name',
        'key',
        'scopes',
        'createdAt',
        'expiresAt',
        'lastUsedAt',
      ]);
      expect(KEY_SHAPE.exec(body.key)?.[1]).toBe(body.id);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('stores only the SHA-256 of the secret', async () => {
      const user = await given(t).signedInUser();
      const { id, key } = await keyOf(user);
      const row = await t.app.get(DataSource).getRepository(ApiKey).findOneByOrFail({ id });
      expect(row.secretHash).toBe(createHash('sha256').update(secretOf(key)).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(secretOf(key));
    });

    it('leaves no secret in what the database stores (the SQLite files with their WAL, or every PostgreSQL row)', async () => {
      const user = await given(t).signedInUser();
      const { key } = await keyOf(user);
      const secret = secretOf(key);
      const hash = createHash('sha256').update(secret).digest('hex');
      const stored = await storedBytes(t);
      // The hash is there, so these are the bytes the key was written to.
      expect(stored.some((bytes) => bytes.includes(hash))).toBe(true);
      expect(stored.filter((bytes) => bytes.includes(secret))).toHaveLength(0);
    });

    it('trims the name and normalises it to NFC', async () => {
      const user = await given(t).signedInUser();
      const { name } = await keyOf(user, ['users:read'], { name: '  Cafe\u0301 sync  ' });
      expect(name).toBe('Caf\u00e9 sync');
    });

    it('takes an expiry in the future, at any offset, and answers it in UTC', async () => {
      const user = await given(t).signedInUser();
      const at = t.clock.now() + 86_400_000;
      const local = new Date(at + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      const { expiresAt } = await keyOf(user, ['users:read'], { expiresAt: local });
      expect(expiresAt).toBe(iso(at));
    });

    it('answers 400 invalid_scope, naming it, for a scope the caller’s roles do not allow', async () => {
      const user = await given(t).signedInUser();
      const response = await create(user.tokens.accessToken, {
        name: 'ci',
        scopes: ['users:read', 'admin:read'],
      });
      expectCode(response, 400, 'invalid_scope');
      expect(response.body.message).toContain('admin:read');
      expect(await list(user.tokens.accessToken)).toEqual([]);
    });

    it('lets an administrator make a key with admin scopes', async () => {
      const admin = await signedInAdmin();
      const { scopes } = await keyOf(admin, ['admin:read', 'tokens:introspect']);
      expect(scopes).toEqual(['admin:read', 'tokens:introspect']);
    });

    const past = () => iso(t.clock.now() - 1000);
    const now = () => iso(t.clock.now());
    it.each<[string, () => unknown]>([
      ['no name', () => ({ scopes: ['users:read'] })],
      ['a number as name', () => ({ name: 42, scopes: ['users:read'] })],
      ['an empty name', () => ({ name: '', scopes: ['users:read'] })],
      ['a name of spaces only', () => ({ name: '   ', scopes: ['users:read'] })],
      ['a name of 101 characters', () => ({ name: 'x'.repeat(101), scopes: ['users:read'] })],
      ['a huge name', () => ({ name: 'x'.repeat(10_000), scopes: ['users:read'] })],
      ['a bidi override in the name', () => ({ name: 'ci\u202e', scopes: ['users:read'] })],
      ['no scopes', () => ({ name: 'ci' })],
      ['a string as scopes', () => ({ name: 'ci', scopes: 'users:read' })],
      ['empty scopes', () => ({ name: 'ci', scopes: [] })],
      ['a number among the scopes', () => ({ name: 'ci', scopes: [1] })],
      ['a duplicate scope', () => ({ name: 'ci', scopes: ['users:read', 'users:read'] })],
      ['an unknown scope', () => ({ name: 'ci', scopes: ['users:delete'] })],
      ['a huge scope', () => ({ name: 'ci', scopes: ['x'.repeat(10_000)] })],
      ['six scopes', () => ({ name: 'ci', scopes: Array(6).fill('users:read') })],
      ['an unknown field', () => ({ name: 'ci', scopes: ['users:read'], userId: 'someone' })],
      ['a number as expiresAt', () => ({ name: 'ci', scopes: ['users:read'], expiresAt: 2e12 })],
      [
        'a date without time',
        () => ({ name: 'ci', scopes: ['users:read'], expiresAt: '2100-01-01' }),
      ],
      [
        'a date-time without zone',
        () => ({ name: 'ci', scopes: ['users:read'], expiresAt: '2100-01-01T00:00:00' }),
      ],
      [
        'an impossible date',
        () => ({ name: 'ci', scopes: ['users:read'], expiresAt: '2100-02-30T00:00:00Z' }),
      ],
      [
        'an instant in the year 10000 (by its offset)',
        () => ({ name: 'ci', scopes: ['users:read'], expiresAt: '9999-12-31T23:00:00-02:00' }),
      ],
      [
        'a huge expiresAt',
        () => ({ name: 'ci', scopes: ['users:read'], expiresAt: '2'.repeat(10_000) }),
      ],
      ['an expiry in the past', () => ({ name: 'ci', scopes: ['users:read'], expiresAt: past() })],
      ['an expiry now', () => ({ name: 'ci', scopes: ['users:read'], expiresAt: now() })],
    ])('answers 400 validation_failed for %s', async (_case, body) => {
      const user = await given(t).signedInUser();
      const response = await create(user.tokens.accessToken, body());
      expect(response.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.any(String),
        code: 'validation_failed',
        errors: [expect.objectContaining({ field: expect.any(String) })],
      });
    });

    it('answers 400 validation_failed for a NUL in the name, before anything is stored', async () => {
      const user = await given(t).signedInUser();
      const response = await create(user.tokens.accessToken, {
        name: 'ci\u0000',
        scopes: ['users:read'],
      });
      expectCode(response, 400, 'validation_failed');
      expect(response.body.message).toContain('NUL');
      expect(await list(user.tokens.accessToken)).toEqual([]);
    });

    it('gives 50 parallel creations of one user 50 distinct ids and keys, all listed', async () => {
      const user = await given(t).signedInUser();
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          create(user.tokens.accessToken, { name: `key ${i}`, scopes: ['users:read'] }),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(50).fill(201));
      const keys = responses.map((response) => response.body as CreatedKey);
      expect(new Set(keys.map((key) => key.id)).size).toBe(50);
      expect(new Set(keys.map((key) => key.key)).size).toBe(50);
      expect((await list(user.tokens.accessToken)).map((key) => key.id).sort()).toEqual(
        keys.map((key) => key.id).sort(),
      );
    });

    it('records api_key.created and api_key.revoked in the owner’s events, without the key', async () => {
      const user = await given(t).signedInUser();
      const { id, key } = await keyOf(user);
      await t.http.delete(`/api-keys/${id}`).set(bearer(user.tokens.accessToken)).expect(204);
      const response = await t.http
        .get('/users/me/events')
        .set(bearer(user.tokens.accessToken))
        .expect(200);
      const events = (response.body as { items: Array<{ type: string; detail: object }> }).items;
      expect(events.slice(0, 2)).toEqual([
        expect.objectContaining({ type: 'api_key.revoked', detail: { apiKeyId: id } }),
        expect.objectContaining({
          type: 'api_key.created',
          detail: { apiKeyId: id, name: 'ci', scopes: ['users:read'] },
        }),
      ]);
      expect(response.text).not.toContain(secretOf(key));
    });
  });

  describe('GET /api-keys', () => {
    it('lists the caller’s keys newest first, without key, secret or hash', async () => {
      const user = await given(t).signedInUser();
      const older = await keyOf(user, ['users:read'], { name: 'older' });
      t.clock.advance(1);
      const newer = await keyOf(user, ['users:write'], { name: 'newer' });
      await keyOf(await given(t).signedInUser());
      const response = await t.http
        .get('/api-keys')
        .set(bearer(user.tokens.accessToken))
        .expect(200);
      const { key: _older, ...olderListed } = older;
      const { key: _newer, ...newerListed } = newer;
      expect(response.body).toEqual([newerListed, olderListed]);
      expect(response.text).not.toContain(secretOf(older.key));
      expect(response.text).not.toMatch(/secret|hash|pck_/i);
    });
  });

  describe('DELETE /api-keys/:id', () => {
    it('revokes the key: 204, gone from the list, refused at once', async () => {
      const user = await given(t).signedInUser();
      const { id, key } = await keyOf(user);
      await me(bearer(key)).expect(200);
      await t.http.delete(`/api-keys/${id}`).set(bearer(user.tokens.accessToken)).expect(204);
      expect(await list(user.tokens.accessToken)).toEqual([]);
      expectCode(await me(bearer(key)), 401, 'invalid_token');
      expectCode(await me(basicOf(key)), 401, 'invalid_token');
    });

    it('reaches every instance within one second: a key deleted elsewhere is refused 1 s later', async () => {
      const user = await given(t).signedInUser();
      const { id, key } = await keyOf(user);
      await me(bearer(key)).expect(200);
      // Deleted as another instance would: this one hears nothing of it.
      await t.app.get(DataSource).getRepository(ApiKey).delete({ id });
      await me(bearer(key)).expect(200);
      t.clock.advance(1001);
      expectCode(await me(bearer(key)), 401, 'invalid_token');
    });

    it('answers 404 not_found alike for an unknown id, a malformed id and another user’s key', async () => {
      const owner = await given(t).signedInUser();
      const other = await given(t).signedInUser();
      const { id, key } = await keyOf(owner);
      const del = (keyId: string) =>
        t.http.delete(`/api-keys/${keyId}`).set(bearer(other.tokens.accessToken));
      const answers = await Promise.all([del(id), del('0123456789abcdef'), del('not-an-id')]);
      for (const answer of answers) expectCode(answer, 404, 'not_found');
      expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
      await me(bearer(key)).expect(200);
      expect((await list(owner.tokens.accessToken)).map((listed) => listed.id)).toEqual([id]);
    });
  });

  describe('using a key', () => {
    it('reaches GET /users/me (users:read) as Bearer and as Basic', async () => {
      const user = await given(t).signedInUser();
      const { key } = await keyOf(user);
      const asBearer = await me(bearer(key)).expect(200);
      const asBasic = await me(basicOf(key)).expect(200);
      expect(asBearer.body).toMatchObject({ id: user.id, email: user.email });
      expect(asBasic.body).toEqual(asBearer.body);
      await me({ Authorization: `bearer ${key}` }).expect(200);
    });

    it('needs users:write for PATCH /users/me: 403 insufficient_scope without it', async () => {
      const user = await given(t).signedInUser();
      const reader = await keyOf(user, ['users:read']);
      const writer = await keyOf(user, ['users:write']);
      const rename = (key: string) =>
        t.http.patch('/users/me').set(bearer(key)).send({ name: 'Machine' });
      const refused = await rename(reader.key);
      expectCode(refused, 403, 'insufficient_scope');
      expect(refused.headers['www-authenticate']).toContain('scope="users:write"');
      const renamed = await rename(writer.key).expect(200);
      expect(renamed.body).toMatchObject({ id: user.id, name: 'Machine' });
      expectCode(await me(bearer(writer.key)), 403, 'insufficient_scope');
    });

    it('answers 403 forbidden on routes for user sessions only (sessions, API keys)', async () => {
      const user = await given(t).signedInUser();
      const { key } = await keyOf(user, ['users:read', 'users:write']);
      expectCode(await t.http.get('/auth/sessions').set(bearer(key)), 403, 'forbidden');
      expectCode(await t.http.get('/api-keys').set(basicOf(key)), 403, 'forbidden');
      expectCode(
        await t.http
          .post('/api-keys')
          .set(bearer(key))
          .send({ name: 'x', scopes: ['users:read'] }),
        403,
        'forbidden',
      );
      expect(await list(user.tokens.accessToken)).toHaveLength(1);
    });

    it('answers an unknown id and a wrong secret byte for byte alike, for Bearer and for Basic', async () => {
      const user = await given(t).signedInUser();
      const { id, key } = await keyOf(user);
      const secret = secretOf(key);
      const unknownId = id === '0123456789abcdef' ? 'fedcba9876543210' : '0123456789abcdef';
      const seen = (response: { status: number; text: string; headers: object }) => ({
        status: response.status,
        body: response.text,
        challenge: (response.headers as Record<string, string>)['www-authenticate'],
      });
      const bearerUnknown = seen(await me(bearer(`pck_${unknownId}_${secret}`)));
      const bearerWrong = seen(await me(bearer(`pck_${id}_${otherSecret(secret)}`)));
      expect(bearerUnknown).toEqual({
        status: 401,
        body: expect.stringContaining('"code":"invalid_token"'),
        challenge: 'Bearer realm="portcullis", error="invalid_token"',
      });
      expect(bearerWrong).toEqual(bearerUnknown);
      const basicUnknown = seen(await me(basic(unknownId, secret)));
      const basicWrong = seen(await me(basic(id, otherSecret(secret))));
      expect(basicUnknown).toEqual({ ...bearerUnknown, challenge: 'Basic realm="portcullis"' });
      expect(basicWrong).toEqual(basicUnknown);
    });

    it.each<[string, string, string]>([
      ['a short secret', 'Bearer pck_0123456789abcdef_short', 'Bearer realm="portcullis"'],
      ['no id', `Bearer pck__${'a'.repeat(43)}`, 'Bearer realm="portcullis"'],
      ['a dash in the secret', `Bearer pck_0123456789abcdef_${'a'.repeat(42)}-`, 'Bearer realm'],
      ['two keys', `Bearer pck_0123456789abcdef_${'a'.repeat(43)} pck_x`, 'Bearer realm'],
      ['Basic of no colon', `Basic ${Buffer.from('abc').toString('base64')}`, 'Basic realm'],
      [
        'Basic of a short id',
        `Basic ${Buffer.from(`abc:${'a'.repeat(43)}`).toString('base64')}`,
        'Basic realm',
      ],
      ['Basic that is not base64', 'Basic ***', 'Basic realm'],
      ['Basic with nothing', 'Basic ', 'Basic realm'],
    ])(
      'answers 401 invalid_token to a malformed key: %s',
      async (_case, authorization, challenge) => {
        const response = await me({ Authorization: authorization });
        expectCode(response, 401, 'invalid_token');
        expect(response.body.message).toContain('malformed');
        expect(response.headers['www-authenticate']).toContain(challenge);
      },
    );

    it('refuses an expired key with 401 invalid_token saying it expired', async () => {
      const user = await given(t).signedInUser();
      const { key } = await keyOf(user, ['users:read'], {
        expiresAt: iso(t.clock.now() + 60_000),
      });
      await me(bearer(key)).expect(200);
      t.clock.advanceSeconds(60);
      const response = await me(bearer(key));
      expectCode(response, 401, 'invalid_token');
      expect(response.body.message).toContain('expired');
      // Only to the holder of the secret: a wrong secret gets the ordinary answer.
      const wrong = await me(bearer(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')));
      expect(wrong.body.message).not.toContain('expired');
    });

    it('refuses the key of a disabled owner at once on this instance, as an unknown key', async () => {
      const user = await given(t).signedInUser();
      const { key } = await keyOf(user);
      await me(bearer(key)).expect(200);
      // No clock move: disabling through this instance drops the owner from the 1-second profile cache.
      await t.app.get(UsersService).administer(user.id, { disabled: true });
      const response = await me(bearer(key));
      expectCode(response, 401, 'invalid_token');
      expect(response.body.message).toBe('the API key is not valid');
    });

    it('refuses the key of a deleted owner', async () => {
      const user = await given(t).signedInUser();
      const { key } = await keyOf(user);
      await me(bearer(key)).expect(200);
      await t.app.get(UsersService).delete(user.id);
      expectCode(await me(bearer(key)), 401, 'invalid_token');
    });

    it('takes the admin scopes from the key of an owner demoted from admin, at once', async () => {
      // A second administrator, so that the demotion is not refused as the last one's.
      await t.app.get(UsersService).administer((await given(t).user()).id, {
        roles: ['user', 'admin'],
      });
      const admin = await signedInAdmin();
      const { key } = await keyOf(admin, ['users:read', 'admin:read']);
      const principal = () =>
        t.app
          .get(ApiKeyResolver)
          .resolve({ headers: { authorization: `Bearer ${key}` } } as FastifyRequest);
      await expect(principal()).resolves.toMatchObject({
        roles: ['user', 'admin'],
        scopes: ['users:read', 'admin:read'],
      });
      await t.app.get(UsersService).administer(admin.id, { roles: ['user'] });
      await expect(principal()).resolves.toMatchObject({
        roles: ['user'],
        scopes: ['users:read'],
      });
      await me(bearer(key)).expect(200);
    });

    it('keeps lastUsedAt to the minute: written on use, not again within 60 s, again after', async () => {
      const user = await given(t).signedInUser();
      const { id, key } = await keyOf(user);
      const lastUsedAt = async () =>
        (await list(user.tokens.accessToken)).find((listed) => listed.id === id)?.lastUsedAt;
      expect(await lastUsedAt()).toBeNull();
      const writes = jest.spyOn(t.app.get(ApiKeysRepository), 'touchLastUsed');
      const first = t.clock.now();
      await me(bearer(key)).expect(200);
      expect(await lastUsedAt()).toBe(iso(first));
      t.clock.advanceSeconds(59);
      await me(basicOf(key)).expect(200);
      await me(bearer(key)).expect(200);
      expect(await lastUsedAt()).toBe(iso(first));
      // This instance did not even try: one statement for three requests.
      expect(writes.mock.calls.filter(([keyId]) => keyId === id)).toHaveLength(1);
      writes.mockRestore();
      // Another instance (which has not written it) is held back by the conditional UPDATE alone.
      expect(await t.app.get(ApiKeysRepository).touchLastUsed(id, t.clock.now(), 60_000)).toBe(
        false,
      );
      t.clock.advanceSeconds(2);
      await me(bearer(key)).expect(200);
      expect(await lastUsedAt()).toBe(iso(first + 61_000));
    });
  });
});

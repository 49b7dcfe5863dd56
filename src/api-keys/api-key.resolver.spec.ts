import type { FastifyRequest } from 'fastify';
import { Clock } from '../common/clock';
import type { User } from '../users/user.entity';
import { userGone } from '../users/users.errors';
import type { UsersService } from '../users/users.service';
import type { ApiKeyCache } from './api-key.cache';
import type { ApiKey } from './api-key.entity';
import { formatApiKey, hashApiKeySecret, newApiKeyParts } from './api-key-format';
import { ApiKeyResolver } from './api-key.resolver';
import type { ApiKeyUsageService } from './api-key-usage.service';

class FixedClock extends Clock {
  constructor(public current = 1_800_000_000_000) {
    super();
  }
  now(): number {
    return this.current;
  }
}

const parts = newApiKeyParts();
const KEY = formatApiKey(parts);
const bearer = (key: string) => `Bearer ${key}`;
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const request = (authorization?: string) => ({ headers: { authorization } }) as FastifyRequest;

const keyRow = (overrides: Partial<ApiKey> = {}): ApiKey => ({
  id: parts.id,
  userId: 'owner-1',
  name: 'ci',
  secretHash: hashApiKeySecret(parts.secret).toString('hex'),
  scopes: ['users:read'],
  createdAt: 0,
  expiresAt: null,
  lastUsedAt: null,
  ...overrides,
});

const owner = (overrides: Partial<User> = {}) => ({
  roles: ['user'],
  disabled: false,
  ...overrides,
});

function newTestResolver(row: ApiKey | null = keyRow()) {
  const clock = new FixedClock();
  const mocks = {
    cache: { find: jest.fn().mockResolvedValue(row) },
    users: { getProfile: jest.fn().mockResolvedValue(owner()) },
    usage: { recordUse: jest.fn().mockResolvedValue(undefined) },
  };
  const sut = new ApiKeyResolver(
    mocks.cache as unknown as ApiKeyCache,
    mocks.users as unknown as UsersService,
    mocks.usage as unknown as ApiKeyUsageService,
    clock,
  );
  return { sut, mocks, clock };
}

/** What a client sees of a failure: code, message and headers. */
async function failureOf(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as { code?: string; message?: string; headers?: Record<string, string> } | undefined;
  return { code: error?.code, message: error?.message, headers: error?.headers };
}

describe(ApiKeyResolver.name, () => {
  describe('canResolve', () => {
    it.each([
      ['Bearer pck_…', bearer(KEY), true],
      ['bEARER pck_… (the scheme in any case)', `bEARER ${KEY}`, true],
      ['Bearer pck_… after several spaces', `Bearer   ${KEY}`, true],
      ['Basic …', basic(parts.id, parts.secret), true],
      ['a malformed Basic', 'basic !!', true],
      ['a JWT', 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.sig', false],
      ['no Authorization', undefined, false],
      ['another scheme', `Digest ${KEY}`, false],
    ])('%s → %s', (_case, authorization, expected) => {
      expect(newTestResolver().sut.canResolve(request(authorization))).toBe(expected);
    });
  });

  describe('resolve', () => {
    it('answers the key principal, with the owner’s current roles, by Bearer and by Basic alike', async () => {
      const { sut, mocks } = newTestResolver();
      const expected = {
        kind: 'api_key',
        userId: 'owner-1',
        apiKeyId: parts.id,
        roles: ['user'],
        scopes: ['users:read'],
      };
      await expect(sut.resolve(request(bearer(KEY)))).resolves.toEqual(expected);
      await expect(sut.resolve(request(basic(parts.id, parts.secret)))).resolves.toEqual(expected);
      expect(mocks.cache.find).toHaveBeenCalledWith(parts.id);
    });

    it('keeps only the scopes the owner’s roles allow now: a demoted admin’s key loses the admin scopes', async () => {
      const { sut, mocks } = newTestResolver(
        keyRow({ scopes: ['users:read', 'admin:read', 'tokens:introspect'] }),
      );
      mocks.users.getProfile.mockResolvedValueOnce(owner({ roles: ['user', 'admin'] }));
      await expect(sut.resolve(request(bearer(KEY)))).resolves.toMatchObject({
        roles: ['user', 'admin'],
        scopes: ['users:read', 'admin:read', 'tokens:introspect'],
      });
      mocks.users.getProfile.mockResolvedValueOnce(owner({ roles: ['user'] }));
      await expect(sut.resolve(request(bearer(KEY)))).resolves.toMatchObject({
        roles: ['user'],
        scopes: ['users:read'],
      });
    });

    it('drops a stored scope this server no longer knows', async () => {
      const { sut } = newTestResolver(keyRow({ scopes: ['users:read', 'billing:write'] }));
      await expect(sut.resolve(request(bearer(KEY)))).resolves.toMatchObject({
        scopes: ['users:read'],
      });
    });

    it('answers an unknown id exactly as a wrong secret, with the Bearer challenge', async () => {
      const unknown = newTestResolver(null);
      const known = newTestResolver();
      const wrongSecret = formatApiKey({ id: parts.id, secret: 'x'.repeat(43) });
      const a = await failureOf(unknown.sut.resolve(request(bearer(KEY))));
      const b = await failureOf(known.sut.resolve(request(bearer(wrongSecret))));
      expect(a).toEqual({
        code: 'invalid_token',
        message: 'the API key is not valid',
        headers: { 'www-authenticate': 'Bearer realm="portcullis", error="invalid_token"' },
      });
      expect(b).toEqual(a);
      expect(known.mocks.users.getProfile).not.toHaveBeenCalled();
      expect(known.mocks.usage.recordUse).not.toHaveBeenCalled();
    });

    it('challenges a Basic credential with Basic', async () => {
      const { sut } = newTestResolver(null);
      await expect(failureOf(sut.resolve(request(basic(parts.id, parts.secret))))).resolves.toEqual(
        {
          code: 'invalid_token',
          message: 'the API key is not valid',
          headers: { 'www-authenticate': 'Basic realm="portcullis"' },
        },
      );
    });

    it.each([
      ['a short secret', bearer(`pck_${parts.id}_${parts.secret.slice(1)}`)],
      ['a long id', bearer(`pck_${parts.id}x_${parts.secret}`)],
      ['a non-base62 character', bearer(`pck_${parts.id}_${parts.secret.slice(1)}-`)],
      ['trailing garbage', bearer(`${KEY} extra`)],
      ['Basic without a colon', `Basic ${Buffer.from(parts.id + parts.secret).toString('base64')}`],
      ['Basic with a bad id', basic('short', parts.secret)],
      ['Basic that is not base64', 'Basic ***'],
    ])('refuses %s as malformed without a lookup', async (_case, authorization) => {
      const { sut, mocks } = newTestResolver();
      await expect(failureOf(sut.resolve(request(authorization)))).resolves.toMatchObject({
        code: 'invalid_token',
        message: expect.stringContaining('malformed'),
      });
      expect(mocks.cache.find).not.toHaveBeenCalled();
    });

    it('says a key expired only to a caller with the right secret', async () => {
      const { sut, clock } = newTestResolver(keyRow({ expiresAt: 1_800_000_000_000 }));
      clock.current = 1_799_999_999_999;
      await expect(sut.resolve(request(bearer(KEY)))).resolves.toMatchObject({ kind: 'api_key' });
      clock.current = 1_800_000_000_000;
      await expect(failureOf(sut.resolve(request(bearer(KEY))))).resolves.toMatchObject({
        code: 'invalid_token',
        message: 'the API key expired; create a new one',
      });
      const wrongSecret = formatApiKey({ id: parts.id, secret: 'x'.repeat(43) });
      await expect(failureOf(sut.resolve(request(bearer(wrongSecret))))).resolves.toMatchObject({
        message: 'the API key is not valid',
      });
    });

    it('refuses a key whose owner is disabled or gone, as an unknown one', async () => {
      const { sut, mocks } = newTestResolver();
      mocks.users.getProfile.mockResolvedValueOnce(owner({ disabled: true }));
      await expect(failureOf(sut.resolve(request(bearer(KEY))))).resolves.toMatchObject({
        code: 'invalid_token',
        message: 'the API key is not valid',
      });
      mocks.users.getProfile.mockRejectedValueOnce(userGone());
      await expect(failureOf(sut.resolve(request(bearer(KEY))))).resolves.toMatchObject({
        code: 'invalid_token',
        message: 'the API key is not valid',
      });
    });

    it('lets a storage fault reading the owner go on up', async () => {
      const { sut, mocks } = newTestResolver();
      const fault = new Error('SQLITE_BUSY');
      mocks.users.getProfile.mockRejectedValueOnce(fault);
      await expect(sut.resolve(request(bearer(KEY)))).rejects.toBe(fault);
    });

    it('records each successful use with the clock’s time', async () => {
      const { sut, mocks, clock } = newTestResolver();
      await sut.resolve(request(bearer(KEY)));
      expect(mocks.usage.recordUse).toHaveBeenCalledWith(parts.id, clock.current);
    });
  });
});

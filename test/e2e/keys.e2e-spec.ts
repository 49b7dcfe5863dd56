import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { SigningKeyRow } from '../../src/keys/signing-key.entity';
import { thumbprint } from '../../src/keys/signing-key-material';
import { DEV_KEY_FILE, SigningKeysService } from '../../src/keys/signing-keys.service';
import { given } from '../support/actors';
import { createTestApp, restartTestApp, type TestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { bearer, login, register } from '../support/http';
import { requireRedis, uniqueRedisPrefix } from '../support/redis';
import { storedBytes } from '../support/stored-bytes';

interface Jwk {
  kid: string;
  [member: string]: unknown;
}

const kidOf = (token: string) => jwt.decode(token, { complete: true })!.header.kid!;
const jwks = async (t: TestApp) =>
  (await t.http.get('/.well-known/jwks.json').expect(200)).body.keys as Jwk[];
const kids = async (t: TestApp) => (await jwks(t)).map((key) => key.kid);
const states = async (t: TestApp) =>
  (await t.app.get(SigningKeysService).list()).map(({ kid, state }) => ({ kid, state }));

/** A second instance of the same service: another app on the same database and clock, as behind a load balancer. */
const secondInstance = (t: TestApp, env: Record<string, string> = {}) =>
  createTestApp({ env: { ...t.env, ...env }, clock: t.clock, database: t.database });

describe('Keys (e2e)', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  describe('GET /.well-known/jwks.json', () => {
    it('publishes the current key first, then the next one: public parts only, with kid, alg and use', async () => {
      const keys = await jwks(t);
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        expect(key).toEqual({
          kty: 'EC',
          crv: 'P-256',
          x: expect.any(String),
          y: expect.any(String),
          kid: expect.any(String),
          alg: 'ES256',
          use: 'sig',
        });
      }
      expect(keys[0].kid).toBe(t.app.get(SigningKeysService).signing.kid);
      expect(await states(t)).toEqual(
        expect.arrayContaining([
          { kid: keys[0].kid, state: 'current' },
          { kid: keys[1].kid, state: 'next' },
        ]),
      );
    });

    it('is cacheable for five minutes, with an ETag; If-None-Match answers 304 without a body', async () => {
      const first = await t.http.get('/.well-known/jwks.json').expect(200);
      expect(first.headers['cache-control']).toBe('public, max-age=300');
      const etag = first.headers.etag;
      expect(etag).toMatch(/^"[\w-]{27}"$/);
      for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const again = await t.http.get('/.well-known/jwks.json').set('If-None-Match', ifNoneMatch);
        expect(again.status).toBe(304);
        expect(again.text ?? '').toBe('');
        expect(again.headers.etag).toBe(etag);
      }
      const changed = await t.http.get('/.well-known/jwks.json').set('If-None-Match', '"stale"');
      expect(changed.status).toBe(200);
      expect(changed.body.keys).toHaveLength(2);
    });

    it('verifies access tokens for other services', async () => {
      const { tokens } = await given(t).signedInUser();
      const jwk = (await jwks(t)).find((key) => key.kid === kidOf(tokens.accessToken))!;
      const publicKey = createPublicKey({ key: jwk as never, format: 'jwk' });
      const verified = jwt.verify(tokens.accessToken, publicKey, {
        algorithms: ['ES256'],
        issuer: 'http://localhost:3000',
        audience: 'portcullis',
      });
      expect(verified).toMatchObject({ roles: ['user'] });
    });
  });

  describe('at rest', () => {
    it('keeps private parts sealed: no PEM and no private JWK member in the database', async () => {
      const keys = t.app.get(SigningKeysService);
      const pem = keys.signing.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      const d = (keys.signing.privateKey.export({ format: 'jwk' }) as { d: string }).d;
      const body = pem.split('\n').slice(1, -2).join('');
      for (const bytes of await storedBytes(t)) {
        expect(bytes.includes('PRIVATE KEY')).toBe(false);
        expect(bytes.includes(body.slice(0, 40))).toBe(false);
        expect(bytes.includes(d)).toBe(false);
      }
    });

    it('refuses to start with another KEY_ENCRYPTION_KEY, saying what to do', async () => {
      await t.stop();
      await expect(
        createTestApp({
          env: { ...t.env, KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
          clock: t.clock,
          database: t.database,
        }),
      ).rejects.toThrow(
        /cannot be opened with this KEY_ENCRYPTION_KEY: set the key it was sealed with/,
      );
      t = await createTestApp({ env: t.env, clock: t.clock, database: t.database });
    });
  });

  describe('rotation', () => {
    it('promotes next to current without a restart; tokens signed before keep working', async () => {
      const keys = t.app.get(SigningKeysService);
      const user = await register(t.http);
      const before = await login(t.http, user.email);
      const [current, next] = await kids(t);
      const etag = (await t.http.get('/.well-known/jwks.json')).headers.etag;

      expect(await keys.rotate()).toBe(next);

      expect(keys.signing.kid).toBe(next);
      await t.http.get('/users/me').set(bearer(before.accessToken)).expect(200);
      const after = await login(t.http, user.email);
      expect(kidOf(after.accessToken)).toBe(next);
      await t.http.get('/users/me').set(bearer(after.accessToken)).expect(200);
      const published = await kids(t);
      expect(published).toHaveLength(3);
      expect(published.slice(0, 1)).toEqual([next]);
      expect(published).toContain(current);
      expect(await states(t)).toEqual(
        expect.arrayContaining([
          { kid: current, state: 'previous' },
          { kid: next, state: 'current' },
          { kid: published.find((kid) => kid !== current && kid !== next), state: 'next' },
        ]),
      );
      const revalidated = await t.http.get('/.well-known/jwks.json').set('If-None-Match', etag);
      expect(revalidated.status).toBe(200);
    });

    it('retires a previous key once every token it signed has expired (ACCESS_TOKEN_TTL + 60 s)', async () => {
      const keys = t.app.get(SigningKeysService);
      const [old] = await kids(t);
      await keys.rotate();
      const ttl = t.config.tokens.accessTokenTtl;

      t.clock.advanceSeconds(ttl + 59);
      await keys.refresh();
      expect(await kids(t)).toContain(old);

      t.clock.advanceSeconds(1);
      await keys.refresh();
      expect(await kids(t)).not.toContain(old);
      expect(await kids(t)).toHaveLength(2);
      const retired = (await keys.list()).find((key) => key.kid === old)!;
      expect(retired).toMatchObject({ state: 'retired', retiredAt: t.clock.now() });
      const row = await t.app.get(DataSource).getRepository(SigningKeyRow).findOneBy({ kid: old });
      expect(row!.privateKey).toBeNull();
    });

    it('another instance verifies the new key at once (it was published as next) and signs with it after its refresh', async () => {
      const b = await secondInstance(t);
      try {
        const user = await register(t.http);
        await t.app.get(SigningKeysService).rotate();
        const fromA = await login(t.http, user.email);

        await b.http.get('/users/me').set(bearer(fromA.accessToken)).expect(200);
        const beforeRefresh = await login(b.http, user.email);
        await t.http.get('/users/me').set(bearer(beforeRefresh.accessToken)).expect(200);

        await b.app.get(SigningKeysService).refresh();
        const fromB = await login(b.http, user.email);
        expect(kidOf(fromB.accessToken)).toBe(kidOf(fromA.accessToken));
        expect(await kids(b)).toEqual(await kids(t));
      } finally {
        await b.stop();
      }
    });

    it('with REDIS_URL, another instance picks a rotation up at once (a keys.changed notice), not at its next read', async () => {
      const redis = { REDIS_URL: await requireRedis(), REDIS_PREFIX: uniqueRedisPrefix() };
      await t.stop();
      t = await createTestApp({
        env: { ...t.env, ...redis },
        clock: t.clock,
        database: t.database,
      });
      const b = await secondInstance(t, redis);
      try {
        const kid = await t.app.get(SigningKeysService).rotate();
        // B reads the key table every 5 s: within half a second, only the notice can have told it.
        const started = Date.now();
        while (b.app.get(SigningKeysService).signing.kid !== kid && Date.now() - started < 500) {
          await new Promise((done) => setTimeout(done, 10));
        }
        expect(b.app.get(SigningKeysService).signing.kid).toBe(kid);
      } finally {
        await b.stop();
      }
    });

    it('rotates every KEY_ROTATION_INTERVAL seconds, once however many instances notice it', async () => {
      await t.stop();
      t = await createTestApp({
        env: { ...t.env, KEY_ROTATION_INTERVAL: '3600' },
        clock: t.clock,
        database: t.database,
      });
      const b = await secondInstance(t);
      try {
        const [current, next] = await kids(t);
        t.clock.advanceSeconds(3599);
        await Promise.all([t, b].map((app) => app.app.get(SigningKeysService).refresh()));
        expect(await kids(t)).toEqual([current, next]);

        t.clock.advanceSeconds(1);
        await Promise.all([t, b].map((app) => app.app.get(SigningKeysService).refresh()));
        const list = await t.app.get(SigningKeysService).list();
        expect(list.filter((key) => key.state === 'previous').map((key) => key.kid)).toEqual([
          current,
        ]);
        expect(list.filter((key) => key.state === 'current').map((key) => key.kid)).toEqual([next]);
        expect(list).toHaveLength(3);
        await b.app.get(SigningKeysService).refresh();
        expect(b.app.get(SigningKeysService).signing.kid).toBe(next);
        expect(t.app.get(SigningKeysService).signing.kid).toBe(next);
      } finally {
        await b.stop();
      }
    });

    it('of two rotations asked at the same moment with the same view, one happens', async () => {
      const b = await secondInstance(t);
      try {
        const [current] = await kids(t);
        const results = await Promise.all(
          [t, b].map((app) => app.app.get(SigningKeysService).rotate(current)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const list = await t.app.get(SigningKeysService).list();
        expect(list.map((key) => key.state).sort()).toEqual(['current', 'next', 'previous']);
      } finally {
        await b.stop();
      }
    });

    it('two instances starting on an empty key table make one current and one next key', async () => {
      const b = await secondInstance(t);
      try {
        await t.app.get(DataSource).query('DELETE FROM signing_keys');
        await Promise.all([t, b].map((app) => app.app.get(SigningKeysService).onModuleInit()));
        const list = await t.app.get(SigningKeysService).list();
        expect(list.map((key) => key.state).sort()).toEqual(['current', 'next']);
        await b.app.get(SigningKeysService).refresh();
        expect(b.app.get(SigningKeysService).signing.kid).toBe(
          t.app.get(SigningKeysService).signing.kid,
        );
      } finally {
        await b.stop();
      }
    });
  });
});

describe('Upgrading from a development key file (e2e)', () => {
  it('imports the key file on first start: its kid stays, tokens it signed before the upgrade still verify', async () => {
    const database = await createTestDatabase();
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(
      join(database.dataDir, DEV_KEY_FILE),
      privateKey.export({ type: 'pkcs8', format: 'pem' }),
      {
        mode: 0o600,
      },
    );
    const t = await createTestApp({ database });
    try {
      const kid = thumbprint(publicKey);
      expect(t.app.get(SigningKeysService).signing.kid).toBe(kid);
      expect((await kids(t))[0]).toBe(kid);
      const user = await register(t.http);
      const issued = await login(t.http, user.email);
      // A token as the earlier version signed it with that file: same key, same kid, same claims.
      const claims = jwt.decode(issued.accessToken) as Record<string, unknown>;
      const earlier = jwt.sign(
        { ...claims, jti: '7f0c8e4e-0c57-4a8f-9d6b-3c2a1b0e9f11' },
        privateKey,
        {
          algorithm: 'ES256',
          header: { alg: 'ES256', kid, typ: 'at+jwt' },
        },
      );
      await t.http.get('/users/me').set(bearer(earlier)).expect(200);
    } finally {
      await t.close();
    }
  });
});

describe('Configured signing keys (e2e)', () => {
  it.each([
    ['an EC P-256 PEM', 'ec', 'ES256', 'pem'],
    ['an EC P-256 JWK', 'ec', 'ES256', 'jwk'],
    ['an RSA 2048 PEM', 'rsa', 'RS256', 'pem'],
  ] as const)('signs and verifies with %s', async (_case, type, alg, format) => {
    const { privateKey } =
      type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
    const text =
      format === 'pem'
        ? (privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)
        : JSON.stringify(privateKey.export({ format: 'jwk' }));
    const t = await createTestApp({ env: { JWT_PRIVATE_KEY: text } });
    try {
      const user = await register(t.http);
      const tokens = await login(t.http, user.email);
      expect(jwt.decode(tokens.accessToken, { complete: true })!.header.alg).toBe(alg);
      await t.http.get('/users/me').set(bearer(tokens.accessToken)).expect(200);
      const keys = await jwks(t);
      expect(keys).toHaveLength(1);
      const [jwk] = keys;
      expect(jwk).toMatchObject({ alg, use: 'sig' });
      expect(jwk.d).toBeUndefined();
      expect(jwk.p).toBeUndefined();
      // The published key is the configured one, not a generated development key.
      const configured = createPublicKey(privateKey).export({ format: 'jwk' });
      expect(type === 'ec' ? [jwk.x, jwk.y] : [jwk.n, jwk.e]).toEqual(
        type === 'ec' ? [configured.x, configured.y] : [configured.n, configured.e],
      );
    } finally {
      await t.close();
    }
  });

  it('reads the key from JWT_PRIVATE_KEY_FILE; a static key is not rotated by the server', async () => {
    const t = await createTestApp();
    const file = join(t.database.dataDir, 'configured.pem');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const restarted = await restartTestApp(t, { JWT_PRIVATE_KEY_FILE: file });
    try {
      const user = await register(restarted.http);
      await login(restarted.http, user.email);
      const [jwk] = await jwks(restarted);
      expect(jwk.x).toBe(createPublicKey(privateKey).export({ format: 'jwk' }).x);
      await expect(restarted.app.get(SigningKeysService).rotate()).rejects.toThrow(
        /the signing key is set by JWT_PRIVATE_KEY_FILE: rotate it by publishing a new key there/,
      );
    } finally {
      await restarted.close();
    }
  });
});

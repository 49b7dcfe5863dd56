import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { SigningKeysService } from '../../src/keys/signing-keys.service';
import { given } from '../support/actors';
import { createTestApp, restartTestApp, type TestApp } from '../support/app';
import { bearer, login, register } from '../support/http';

describe('Keys (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('GET /.well-known/jwks.json', () => {
    it('publishes the public key only, with kid, alg and use', async () => {
      const response = await t.http.get('/.well-known/jwks.json').expect(200);
      expect(response.body.keys).toHaveLength(1);
      const [key] = response.body.keys;
      expect(key).toEqual({
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        kid: t.app.get(SigningKeysService).signing.kid,
        alg: 'ES256',
        use: 'sig',
      });
      expect(key.d).toBeUndefined();
    });

    it('verifies access tokens for other services', async () => {
      const { tokens } = await given(t).signedInUser();
      const [jwk] = (await t.http.get('/.well-known/jwks.json')).body.keys;
      const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
      const verified = jwt.verify(tokens.accessToken, publicKey, {
        algorithms: ['ES256'],
        issuer: 'http://localhost:3000',
        audience: 'portcullis',
      });
      expect(verified).toMatchObject({ roles: ['user'] });
    });
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
      const [jwk] = (await t.http.get('/.well-known/jwks.json')).body.keys;
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

  it('reads the key from JWT_PRIVATE_KEY_FILE', async () => {
    const t = await createTestApp();
    const file = join(t.database.dataDir, 'configured.pem');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const restarted = await restartTestApp(t, { JWT_PRIVATE_KEY_FILE: file });
    try {
      const user = await register(restarted.http);
      await login(restarted.http, user.email);
      const [jwk] = (await restarted.http.get('/.well-known/jwks.json')).body.keys;
      expect(jwk.x).toBe(createPublicKey(privateKey).export({ format: 'jwk' }).x);
    } finally {
      await restarted.close();
    }
  });
});

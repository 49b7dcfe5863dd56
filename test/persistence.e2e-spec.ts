import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.setup';
import { DEV_KEY_FILE } from '../src/auth/keys.service';
import { PasswordService } from '../src/auth/password.service';
import { ConfigValidationError } from '../src/config';
import { User } from '../src/users/user.entity';
import { bearer, login, PASSWORD, register, type Tokens } from './support/fixtures';
import { createTestApp, restartTestApp, type TestApp } from './support/test-app';

describe('Restarts (e2e)', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('keeps users, sessions, revocations and the signing key', async () => {
    const user = await register(t.http);
    const kept = await login(t.http, user.email);
    const revoked = await login(t.http, user.email);
    await t.http.post('/auth/logout').set(bearer(revoked.accessToken)).expect(204);
    const kid = (await t.http.get('/.well-known/jwks.json')).body.keys[0].kid as string;
    const keyFile = join(t.database.dataDir, DEV_KEY_FILE);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    t = await restartTestApp(t);

    expect((await t.http.get('/.well-known/jwks.json')).body.keys[0].kid).toBe(kid);
    await t.http.get('/users/me').set(bearer(kept.accessToken)).expect(200);
    await login(t.http, user.email);
    const rotated = (
      await t.http.post('/auth/refresh').send({ refreshToken: kept.refreshToken }).expect(200)
    ).body as Tokens;
    await t.http.get('/users/me').set(bearer(rotated.accessToken)).expect(200);
    expect((await t.http.get('/users/me').set(bearer(revoked.accessToken))).body.code).toBe(
      'session_revoked',
    );
    expect(
      (await t.http.post('/auth/refresh').send({ refreshToken: revoked.refreshToken })).body.code,
    ).toBe('session_revoked');
  });

  it('upgrades a password hash on login when the argon2 parameters change', async () => {
    const user = await register(t.http);
    const users = () => t.app.get(DataSource).getRepository(User);
    const before = (await users().findOneByOrFail({ id: user.id })).passwordHash;
    expect(before).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);

    t = await restartTestApp(t, { ARGON2_TIME_COST: '3' });
    await login(t.http, user.email);
    const after = (await users().findOneByOrFail({ id: user.id })).passwordHash;
    expect(after).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=3\$/);
    await login(t.http, user.email);
    await t.http
      .post('/auth/login')
      .send({ email: user.email, password: `${PASSWORD}!` })
      .expect(401);
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

describe('Start-up refusals', () => {
  const start = (env: Record<string, string | undefined>) =>
    createApp({
      env: {
        LOG_LEVEL: 'error',
        DATABASE_URL: 'sqlite::memory:',
        JWT_PRIVATE_KEY: undefined,
        JWT_PRIVATE_KEY_FILE: undefined,
        ...env,
      },
    });

  it('refuses production without a configured key, naming the variables', async () => {
    await expect(start({ NODE_ENV: 'production' })).rejects.toThrow(
      /JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE must be set when NODE_ENV=production/,
    );
  });

  it.each([
    'changeme',
    'secret',
    '-----BEGIN PRIVATE KEY-----\nplaceholder\n-----END PRIVATE KEY-----',
  ])('refuses the placeholder key %p', async (value) => {
    const failure = start({ NODE_ENV: 'production', JWT_PRIVATE_KEY: value });
    await expect(failure).rejects.toBeInstanceOf(ConfigValidationError);
    await expect(failure).rejects.toThrow(/JWT_PRIVATE_KEY is not a usable private key/);
  });

  it('refuses a public key or a weak key', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicPem = ec.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    await expect(start({ JWT_PRIVATE_KEY: publicPem })).rejects.toThrow(
      /JWT_PRIVATE_KEY is not a usable private key/,
    );
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    await expect(start({ JWT_PRIVATE_KEY: p384 as string })).rejects.toThrow(
      /EC P-256 .* or an RSA >= 2048/,
    );
  });

  it('names the variable of a bad setting', async () => {
    await expect(start({ PORT: 'eighty' })).rejects.toThrow(/PORT must/);
    await expect(start({ DATABASE_URL: 'mysql://x' })).rejects.toThrow(
      /DATABASE_URL must look like/,
    );
    await expect(start({ ACCESS_TOKEN_TTL: '-5' })).rejects.toThrow(
      /ACCESS_TOKEN_TTL must not be less than 30/,
    );
  });
});

describe('Shutdown (e2e)', () => {
  it('lets a login in flight finish before the hashing processes and the database close', async () => {
    const t = await createTestApp();
    try {
      const user = await register(t.http);
      const passwords = t.app.get(PasswordService);
      const verify = passwords.verify.bind(passwords);
      let hashing!: () => void;
      const started = new Promise<void>((resolve) => (hashing = resolve));
      jest.spyOn(passwords, 'verify').mockImplementation((hash, password) => {
        hashing();
        return verify(hash, password);
      });
      const login = t.http
        .post('/auth/login')
        .send({ email: user.email, password: PASSWORD })
        .then((r) => r);
      await started;
      const closing = t.app.close();
      const response = await login;
      await closing;
      expect(response.status).toBe(200);
      expect(response.body.accessToken).toEqual(expect.any(String));
    } finally {
      await t.database.drop();
    }
  });
});

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../src/app.setup';
import { ConfigValidationError } from '../../src/config';
import { DEV_KEY_FILE } from '../../src/keys/signing-keys.service';
import { PasswordService } from '../../src/passwords/password.service';
import { createTestApp, restartTestApp, type TestApp } from '../support/app';
import { bearer, login, PASSWORD, register, type Tokens } from '../support/http';

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
    const kids = (await t.http.get('/.well-known/jwks.json')).body.keys.map(
      (key: { kid: string }) => key.kid,
    );
    // Keys live in the database now: no key file is written.
    expect(existsSync(join(t.database.dataDir, DEV_KEY_FILE))).toBe(false);

    t = await restartTestApp(t);

    expect(
      (await t.http.get('/.well-known/jwks.json')).body.keys.map((key: { kid: string }) => key.kid),
    ).toEqual(kids);
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
});

describe('Start-up refusals', () => {
  const start = (env: Record<string, string | undefined>) =>
    createApp({
      env: {
        LOG_LEVEL: 'error',
        DATABASE_URL: 'sqlite::memory:',
        JWT_PRIVATE_KEY: undefined,
        JWT_PRIVATE_KEY_FILE: undefined,
        // Production also requires a mail server and a key-encryption key; these tests are about the signing key.
        SMTP_URL: 'smtp://127.0.0.1:25',
        KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ...env,
      },
    });

  it('refuses production without a key-encryption key (it seals the signing keys), naming the variable', async () => {
    await expect(start({ NODE_ENV: 'production', KEY_ENCRYPTION_KEY: undefined })).rejects.toThrow(
      /KEY_ENCRYPTION_KEY must be set when NODE_ENV=production .* signing keys/,
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

import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { SigningKeysService } from '../../src/keys/signing-keys.service';
import { given } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { bearer } from '../support/http';

describe('Access tokens (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('forged access tokens', () => {
    let valid: string;
    let claims: Record<string, unknown>;
    let kid: string;

    beforeAll(async () => {
      valid = (await given(t).signedInUser()).tokens.accessToken;
      claims = jwt.decode(valid) as Record<string, unknown>;
      kid = t.app.get(SigningKeysService).signing.kid;
    });

    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const expectRejected = async (token: string, code = 'invalid_token') => {
      const response = await t.http.get('/users/me').set(bearer(token));
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ statusCode: 401, code });
    };
    const serverKey = () => t.app.get(SigningKeysService).signing.privateKey;

    it('accepts the genuine token (control)', async () => {
      await t.http.get('/users/me').set(bearer(valid)).expect(200);
    });

    it('refuses alg "none"', async () => {
      await expectRejected(`${b64({ alg: 'none', typ: 'at+jwt', kid })}.${b64(claims)}.`);
      await expectRejected(`${b64({ alg: 'none', typ: 'at+jwt', kid })}.${b64(claims)}`);
    });

    it('refuses a tampered payload', async () => {
      const [header, , signature] = valid.split('.');
      await expectRejected(`${header}.${b64({ ...claims, roles: ['admin'] })}.${signature}`);
    });

    it('refuses HS256 signed with the published public key', async () => {
      const jwk = (await t.http.get('/.well-known/jwks.json').expect(200)).body.keys[0];
      const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({
        type: 'spki',
        format: 'pem',
      });
      const forged = jwt.sign(claims, pem.toString(), {
        algorithm: 'HS256',
        header: { alg: 'HS256', typ: 'at+jwt', kid },
      });
      await expectRejected(forged);
    });

    it('refuses a token signed by a key embedded in its own header (jwk)', async () => {
      const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = attacker.publicKey.export({ format: 'jwk' });
      for (const headerKid of [kid, 'attacker']) {
        const forged = jwt.sign(claims, attacker.privateKey, {
          algorithm: 'ES256',
          header: { alg: 'ES256', typ: 'at+jwt', kid: headerKid, jwk } as unknown as jwt.JwtHeader,
        });
        await expectRejected(forged);
      }
    });

    it('refuses an unknown kid, even with a valid signature', async () => {
      const forged = jwt.sign(claims, serverKey(), {
        algorithm: 'ES256',
        header: { alg: 'ES256', typ: 'at+jwt', kid: 'some-other-key' },
      });
      await expectRejected(forged);
    });

    it('refuses a wrong issuer, audience or typ, even with a valid signature', async () => {
      const sign = (payload: object, typ = 'at+jwt') =>
        jwt.sign(payload, serverKey(), { algorithm: 'ES256', header: { alg: 'ES256', typ, kid } });
      await expectRejected(sign({ ...claims, iss: 'https://evil.example' }));
      await expectRejected(sign({ ...claims, aud: 'another-api' }));
      await expectRejected(sign(claims, 'JWT'));
      await expectRejected(sign({ ...claims, sid: undefined }));
      // Control: the same signing path with the right values passes.
      await t.http
        .get('/users/me')
        .set(bearer(sign({ ...claims, jti: 'control' })))
        .expect(200);
    });

    it('answers token_expired for an expired token', async () => {
      const now = Math.floor(t.clock.now() / 1000);
      const expired = jwt.sign({ ...claims, iat: now - 1000, exp: now - 10 }, serverKey(), {
        algorithm: 'ES256',
        header: { alg: 'ES256', typ: 'at+jwt', kid },
      });
      await expectRejected(expired, 'token_expired');
    });

    it('refuses garbage and other schemes', async () => {
      await expectRejected('not.a.jwt');
      await expectRejected('a'.repeat(2000));
      const basic = await t.http
        .get('/users/me')
        .set('Authorization', 'Basic dXNlcjpwYXNz')
        .expect(401);
      expect(basic.body.code).toBe('missing_token');
    });

    it('refuses a token signed with a foreign RSA key under RS256', async () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const forged = jwt.sign(claims, rsa.privateKey, {
        algorithm: 'RS256',
        header: { alg: 'RS256', typ: 'at+jwt', kid },
      });
      await expectRejected(forged);
    });
  });
});

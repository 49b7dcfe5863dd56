import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { SigningKeysService } from '../../src/keys/signing-keys.service';
import { given } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { bearer } from '../support/http';
import { signES256 } from '../support/jwt';

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
    const expectRejected = async (token: string, code = 'invalid_token', message?: string) => {
      const response = await t.http.get('/users/me').set(bearer(token));
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ statusCode: 401, code, ...(message && { message }) });
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
      await expectRejected(
        forged,
        'invalid_token',
        'the token was not signed by a key of this server (unknown kid)',
      );
    });

    describe('claims, each checked on its own (tokens signed with the server key)', () => {
      const header = () => ({ alg: 'ES256', typ: 'at+jwt', kid });
      const signed = (payload: object | string, head: object | string = header()) =>
        signES256(head, payload, serverKey());
      const now = () => Math.floor(t.clock.now() / 1000);
      const fresh = () => ({ ...claims, jti: randomUUID(), iat: now(), exp: now() + 900 });

      it('accepts a token built the same way with the right values (control)', async () => {
        await t.http
          .get('/users/me')
          .set(bearer(signed(fresh())))
          .expect(200);
        await t.http
          .get('/users/me')
          .set(bearer(signed({ ...fresh(), nbf: now() })))
          .expect(200);
      });

      it('says that a token refused for its sub, sid, jti or roles lacks required claims', async () => {
        const message = 'the access token lacks required claims (sub, sid, jti, roles)';
        for (const claim of [
          { sub: 'admin' },
          { sid: undefined },
          { jti: undefined },
          { roles: 'admin' },
        ]) {
          await expectRejected(signed({ ...fresh(), ...claim }), 'invalid_token', message);
        }
      });

      it("says why it refuses a token's times: not whole seconds, issued in the future, a lifetime never issued", async () => {
        const at = now();
        const refusals: Array<[object, string]> = [
          [
            { ...fresh(), iat: String(at) },
            'the token times (exp, iat, nbf) must be whole seconds since the epoch',
          ],
          [{ ...fresh(), iat: at + 120, exp: at + 900 }, 'the token was issued in the future'],
          [{ ...fresh(), exp: at + 3600 }, 'the token lifetime is not one this server issues'],
        ];
        for (const [claims, message] of refusals) {
          await expectRejected(signed(claims), 'invalid_token', message);
        }
      });

      type Claims = ReturnType<typeof fresh>;
      it.each<[string, (base: Claims, now: number) => object]>([
        ['another issuer', (base) => ({ ...base, iss: 'https://evil.example' })],
        ['another audience', (base) => ({ ...base, aud: 'another-api' })],
        ['no sid', (base) => ({ ...base, sid: undefined })],
        ['an empty sub', (base) => ({ ...base, sub: '' })],
        ['a sub that is not a user id', (base) => ({ ...base, sub: 'admin' })],
        ['a sid that is not a session id', (base) => ({ ...base, sid: 42 })],
        ['no jti', (base) => ({ ...base, jti: undefined })],
        ['roles that are not a list of strings', (base) => ({ ...base, roles: 'admin' })],
        ['roles with a non-string among them', (base) => ({ ...base, roles: ['user', 42] })],
        ['an amr that is not a list', (base) => ({ ...base, amr: 'pwd' })],
        ['an amr with a non-string', (base) => ({ ...base, amr: ['pwd', 1] })],
        ['an iat 61 s ahead', (base, now) => ({ ...base, iat: now + 61, exp: now + 900 })],
        [
          'a lifetime of ACCESS_TOKEN_TTL + 61 s',
          (base, now) => ({ ...base, iat: now, exp: now + 961 }),
        ],
        ['an exp equal to its iat', (base, now) => ({ ...base, iat: now + 30, exp: now + 30 })],
        ['no exp', (base) => ({ ...base, exp: undefined })],
        ['no iat', (base) => ({ ...base, iat: undefined })],
        ['a string iat', (base) => ({ ...base, iat: String(base.iat) })],
        ['a negative iat', (base) => ({ ...base, iat: -1 })],
        ['a fractional exp', (base) => ({ ...base, exp: base.exp + 0.5 })],
        ['an iat two minutes ahead', (base, now) => ({ ...base, iat: now + 120, exp: now + 900 })],
        ['a lifetime beyond ACCESS_TOKEN_TTL', (base, now) => ({ ...base, exp: now + 3600 })],
        ['an exp before its iat', (base, now) => ({ ...base, iat: now + 30, exp: now + 20 })],
        ['an nbf two minutes ahead', (base, now) => ({ ...base, nbf: now + 120 })],
        ['a string nbf', (base, now) => ({ ...base, nbf: String(now) })],
      ])('refuses %s', async (_case, build) => {
        await expectRejected(signed(build(fresh(), now())));
      });

      it('accepts the limits themselves: iat 60 s ahead, a lifetime of ACCESS_TOKEN_TTL + 60 s, time 0', async () => {
        const at = now();
        for (const claimsAtLimit of [
          { ...fresh(), iat: at + 60, exp: at + 900 },
          { ...fresh(), iat: at - 10, exp: at - 10 + 960 },
        ]) {
          await t.http
            .get('/users/me')
            .set(bearer(signed(claimsAtLimit)))
            .expect(200);
        }
      });

      it('refuses an exp that parses as Infinity (1e400)', async () => {
        const { exp, ...rest } = fresh();
        expect(exp).toBeGreaterThan(now());
        const payload = `${JSON.stringify(rest).slice(0, -1)},"exp":1e400}`;
        expect(JSON.parse(payload).exp).toBe(Infinity);
        await expectRejected(signed(payload));
      });

      it('accepts the typ at+jwt in its long form and in any case (RFC 9068)', async () => {
        for (const typ of ['application/at+jwt', 'AT+JWT']) {
          await t.http
            .get('/users/me')
            .set(bearer(signed(fresh(), { ...header(), typ })))
            .expect(200);
        }
      });

      it('refuses the typ of a plain JWT, or none', async () => {
        const message = 'the token is not an access token (typ must be at+jwt)';
        await expectRejected(
          signed(fresh(), { ...header(), typ: 'JWT' }),
          'invalid_token',
          message,
        );
        const { typ, ...untyped } = header();
        expect(typ).toBe('at+jwt');
        await expectRejected(signed(fresh(), untyped), 'invalid_token', message);
      });

      it('refuses a crit header, b64:false included (RFC 7515 section 4.1.11)', async () => {
        const message =
          'the token asks for JWS extensions (crit) that this server does not support';
        await expectRejected(
          signed(fresh(), { ...header(), crit: ['exp'], exp: 1 }),
          'invalid_token',
          message,
        );
        await expectRejected(
          signed(fresh(), { ...header(), crit: ['b64'], b64: false }),
          'invalid_token',
          message,
        );
      });

      it("refuses a token naming another user's session, and logout with it leaves that session alone", async () => {
        const victim = await given(t).signedInUser();
        const attacker = await given(t).signedInUser();
        const confused = signed({
          ...fresh(),
          sub: attacker.id,
          sid: (jwt.decode(victim.tokens.accessToken) as { sid: string }).sid,
        });
        await expectRejected(confused);
        const logout = await t.http.post('/auth/logout').set(bearer(confused));
        expect({
          status: logout.status,
          code: logout.body.code,
          message: logout.body.message,
        }).toEqual({
          status: 401,
          code: 'invalid_token',
          message: 'the session of this token belongs to another user',
        });
        await t.http.get('/users/me').set(bearer(victim.tokens.accessToken)).expect(200);
      });

      it('refuses a token whose session does not exist', async () => {
        await expectRejected(signed({ ...fresh(), sid: randomUUID() }), 'session_revoked');
      });
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
      // The Bearer scheme with something that is not a token68 (RFC 6750 section 2.1) after it.
      const malformed = await t.http
        .get('/users/me')
        .set('Authorization', 'Bearer two words')
        .expect(401);
      expect(malformed.body).toMatchObject({
        code: 'invalid_token',
        message: 'the bearer token is malformed',
      });
      // Basic is for API keys (see the API-keys suite); a scheme no resolver knows is no credential at all.
      const digest = await t.http
        .get('/users/me')
        .set('Authorization', 'Digest username="ada", response="x"')
        .expect(401);
      expect(digest.body.code).toBe('missing_token');
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

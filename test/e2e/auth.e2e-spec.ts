import jwt from 'jsonwebtoken';
import { AdminUsersService } from '../../src/admin/admin-users.service';
import { SigningKeysService } from '../../src/keys/signing-keys.service';
import { createTestApp, type TestApp } from '../support/app';
import { expectCode, login, PASSWORD, register, uniqueEmail } from '../support/http';

describe('Auth (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /auth/register', () => {
    it('creates the account and answers the public user', async () => {
      const response = await t.http
        .post('/auth/register')
        .send({ email: '  Grace.Hopper@Example.COM ', password: PASSWORD, name: ' Grace ' })
        .expect(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: 'grace.hopper@example.com',
        name: 'Grace',
        emailVerified: false,
        roles: ['user'],
        createdAt: expect.any(String),
      });
      expect(new Date(response.body.createdAt).toISOString()).toBe(response.body.createdAt);
      expect(JSON.stringify(response.body)).not.toMatch(/argon2|hash|password|disabled/i);
    });

    it('treats emails differing in case and spaces as one account (409 email_taken)', async () => {
      const email = uniqueEmail();
      await register(t.http, { email });
      const response = await t.http
        .post('/auth/register')
        .send({ email: ` ${email.toUpperCase()} `, password: PASSWORD })
        .expect(409);
      expect(response.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: expect.any(String),
        code: 'email_taken',
      });
    });

    it('gives exactly one 201 to parallel registrations of one email', async () => {
      const email = uniqueEmail('race');
      const responses = await Promise.all(
        Array.from({ length: 8 }, () =>
          t.http.post('/auth/register').send({ email, password: PASSWORD }),
        ),
      );
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    });

    it.each([
      ['too_short', 'Sh0rt!', 'at least 8'],
      ['too_long', 'x'.repeat(129), 'at most 128'],
      ['common', 'password123', 'too common'],
      ['common', 'Qwertyuiop', 'too common'],
    ])('refuses a password that breaks the %s rule', async (rule, password, words) => {
      const response = await t.http
        .post('/auth/register')
        .send({ email: uniqueEmail(), password })
        .expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'weak_password', rule });
      expect(response.body.message).toContain(words);
    });

    it('refuses a password containing the email or its local part', async () => {
      for (const password of ['-margaret.h-secret', 'MARGARET.H@EXAMPLE.COM!']) {
        const response = await t.http
          .post('/auth/register')
          .send({ email: 'Margaret.H@example.com', password: `x${password}` })
          .expect(400);
        expect(response.body).toMatchObject({ code: 'weak_password', rule: 'contains_email' });
      }
    });

    it('counts characters, not bytes, after NFKC normalisation, and never truncates', async () => {
      // 8 code points but 24 bytes: long enough.
      const emoji = await t.http
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: '🦄🦄🦄🦄🦄🦄🦄🦄' })
        .expect(201);
      expect(emoji.body.email).toBeDefined();
      // A full-width password and its NFKC form are the same password.
      const email = uniqueEmail();
      await register(t.http, { email, password: 'Ｐｏｒｔｃｕｌｌｉｓ Ｇａｔｅ' });
      await login(t.http, email, 'Portcullis Gate');
      // A password of exactly 128 characters is accepted and compared whole.
      const long = `${'a1b2c3d4'.repeat(15)}xyzw1234`;
      const longEmail = uniqueEmail();
      await register(t.http, { email: longEmail, password: long });
      await t.http
        .post('/auth/login')
        .send({ email: longEmail, password: `${long.slice(0, 127)}!` })
        .expect(401);
    });

    it('refuses mass assignment of roles or emailVerified', async () => {
      const response = await t.http
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: PASSWORD, roles: ['admin'], emailVerified: true })
        .expect(400);
      expect(response.body.code).toBe('validation_failed');
      expect(response.body.message).toContain('property roles should not exist');
      expect(response.body.message).toContain('property emailVerified should not exist');
    });

    it.each([
      ['an array email', { email: ['a@example.com'], password: PASSWORD }, 'email'],
      ['an object password', { email: 'obj@example.com', password: { $gt: '' } }, 'password'],
      ['a numeric name', { email: 'num@example.com', password: PASSWORD, name: 42 }, 'name'],
      ['a missing password', { email: 'nopw@example.com' }, 'password'],
      ['a malformed email', { email: 'not-an-email', password: PASSWORD }, 'email'],
      ['an SQL-looking email', { email: "x' OR '1'='1@example.com", password: PASSWORD }, 'email'],
    ])('answers 400 validation_failed for %s', async (_case, body, field) => {
      const response = await t.http.post('/auth/register').send(body).expect(400);
      expect(response.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        code: 'validation_failed',
      });
      const errors = (response.body as { errors: { field: string }[] }).errors;
      expect(errors.map((error) => error.field)).toContain(field);
    });
  });

  describe('identities: one account per email, whatever its Unicode form', () => {
    it.each([
      ['NFC and NFD', 'jos\u00e9', 'jose\u0301'],
      ['fullwidth letters', 'fullwidth', '\uff46\uff55\uff4c\uff4c\uff57\uff49\uff44\uff54\uff48'],
      ['upper case and spaces', 'casefold', '  CASEFOLD'],
    ])('treats %s as one account', async (_case, stored, typed) => {
      const domain = `${uniqueEmail('d').split('@')[0]}.example.com`;
      await register(t.http, { email: `${stored}@${domain}` });
      const again = await t.http
        .post('/auth/register')
        .send({ email: `${typed}@${domain}`, password: PASSWORD });
      expect(again.status).toBe(409);
      await login(t.http, `${typed}@${domain}`);
    });

    it('stores the normalised form', async () => {
      const response = await t.http
        .post('/auth/register')
        .send({ email: ' \uff21\uff24\uff21-nfkc@EXAMPLE.com ', password: PASSWORD })
        .expect(201);
      expect(response.body.email).toBe('ada-nfkc@example.com');
    });

    it.each([
      ['a zero-width space', 'ze\u200bro@example.com'],
      ['a zero-width joiner', 'zw\u200dj@example.com'],
      ['a right-to-left override', 'moc.elpmaxe@\u202etxet'],
      ['a right-to-left mark', 'rl\u200fm@example.com'],
      ['a soft hyphen', 'soft\u00adhyphen@example.com'],
      ['a control character', 'bell\u0007@example.com'],
      ['a lone surrogate', 'lone\ud800@example.com'],
      ['a lone low surrogate', 'lone\udc00@example.com'],
    ])(
      'refuses an email with %s: 400 validation_failed on register and login',
      async (_case, email) => {
        for (const path of ['/auth/register', '/auth/login']) {
          const response = await t.http.post(path).send({ email, password: PASSWORD });
          expect({ path, status: response.status, code: response.body.code }).toEqual({
            path,
            status: 400,
            code: 'validation_failed',
          });
        }
      },
    );

    it('stores names in NFC, and keeps the joiners emoji need', async () => {
      const nfd = await t.http
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: PASSWORD, name: ' Jose\u0301 ' })
        .expect(201);
      expect(nfd.body.name).toBe('Jos\u00e9');
      const family = '\u{1F469}\u200d\u{1F467}';
      const emoji = await t.http
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: PASSWORD, name: family })
        .expect(201);
      expect(emoji.body.name).toBe(family);
    });

    it.each([
      ['a lone surrogate', 'Ada \ud83d'],
      ['a right-to-left override', 'Ada \u202eecalevol'],
      ['an isolate', 'Ada \u2067x'],
      ['a control character', 'Ada\u001bx'],
      ['a new line', 'Ada\nLovelace'],
    ])('refuses a name with %s', async (_case, name) => {
      const response = await t.http
        .post('/auth/register')
        .send({ email: uniqueEmail(), password: PASSWORD, name })
        .expect(400);
      expect(response.body).toMatchObject({ code: 'validation_failed' });
      const errors = (response.body as { errors: Array<{ field: string }> }).errors;
      expect(errors.map((error) => error.field)).toEqual(['name']);
    });
  });

  describe('POST /auth/login', () => {
    it('answers tokens, uncacheable', async () => {
      const user = await register(t.http);
      const response = await t.http
        .post('/auth/login')
        .send({ email: user.email, password: PASSWORD })
        .expect(200);
      expect(response.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        tokenType: 'Bearer',
        expiresIn: 900,
      });
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('issues an ES256 at+jwt access token with the documented claims', async () => {
      const { id, email } = await register(t.http);
      const tokens = await login(t.http, email);
      const decoded = jwt.decode(tokens.accessToken, { complete: true })!;
      const { kid } = t.app.get(SigningKeysService).signing;
      expect(decoded.header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid });
      const claims = decoded.payload as Record<string, unknown>;
      expect(claims).toEqual({
        iss: 'http://localhost:3000',
        aud: 'portcullis',
        sub: id,
        sid: expect.any(String),
        jti: expect.any(String),
        iat: expect.any(Number),
        exp: (claims.iat as number) + 900,
        roles: ['user'],
        amr: ['pwd'],
      });
    });

    it('answers the same 401 body for a wrong password, an unknown email and a disabled account with a wrong password', async () => {
      const user = await register(t.http);
      const wrong = await t.http
        .post('/auth/login')
        .send({ email: user.email, password: 'not the password' });
      const unknown = await t.http
        .post('/auth/login')
        .send({ email: uniqueEmail(), password: PASSWORD });
      const disabled = await register(t.http);
      await t.app.get(AdminUsersService).disable(disabled.id);
      const refused = await t.http
        .post('/auth/login')
        .send({ email: disabled.email, password: 'not the password' });
      for (const response of [wrong, unknown, refused]) {
        expect(response.status).toBe(401);
        expect(response.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'email or password is incorrect',
          code: 'invalid_credentials',
        });
      }
    });

    it('tells a disabled account so (403 account_disabled) only after its correct password', async () => {
      const disabled = await register(t.http);
      await t.app.get(AdminUsersService).disable(disabled.id);
      const response = await t.http
        .post('/auth/login')
        .send({ email: disabled.email, password: PASSWORD });
      expectCode(response, 403, 'account_disabled');
      expect(response.body).not.toHaveProperty('accessToken');
    });

    it('accepts the email in any case and with spaces', async () => {
      const user = await register(t.http);
      await login(t.http, `  ${user.email.toUpperCase()}  `);
    });

    it.each([
      ['no body', undefined],
      ['an empty object', {}],
      ['an array email', { email: ['a@example.com'], password: PASSWORD }],
      ['an object password', { email: 'a@example.com', password: { $ne: null } }],
      ['an unknown field', { email: 'a@example.com', password: PASSWORD, admin: true }],
    ])('answers 400 validation_failed for %s', async (_case, body) => {
      const response = await t.http
        .post('/auth/login')
        .set('Content-Type', 'application/json')
        .send(body);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('validation_failed');
    });

    it('answers 401, not an error, for SQL-looking credentials', async () => {
      const response = await t.http
        .post('/auth/login')
        .send({ email: "' OR 1=1; --", password: "' OR '1'='1" })
        .expect(401);
      expect(response.body.code).toBe('invalid_credentials');
    });
  });
});

import jwt from 'jsonwebtoken';
import { Secret, TOTP } from 'otpauth';
import { DataSource } from 'typeorm';
import { Session } from '../../src/sessions/session.entity';
import { UsersService } from '../../src/users/users.service';
import { given, type SignedInActor } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { bearer, expectCode, PASSWORD, type Tokens } from '../support/http';
import { MailCatcher } from '../support/mail';
import { storedBytes } from '../support/stored-bytes';

interface Challenge {
  mfaRequired: true;
  mfaToken: string;
  methods: string[];
}

interface TwoFactorUser extends SignedInActor {
  secret: string;
  recoveryCodes: string[];
}

const LOCKOUT_THRESHOLD = 4;

describe('Two-factor sign-in (e2e)', () => {
  let t: TestApp;
  const mail = new MailCatcher();

  beforeAll(async () => {
    await mail.start();
    t = await createTestApp({
      env: {
        SMTP_URL: mail.url,
        APP_NAME: 'Acme ID',
        LOCKOUT_THRESHOLD: String(LOCKOUT_THRESHOLD),
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await mail.stop();
  });

  /** The code an authenticator app shows now (the test clock's now), or `steps` periods later. */
  const codeOf = (secret: string, steps = 0) =>
    new TOTP({ secret: Secret.fromBase32(secret) }).generate({
      timestamp: t.clock.now() + steps * 30_000,
    });
  /** Moves to the next 30-second step, so that a new code exists (each code works once). */
  const nextStep = () => t.clock.advance(30_000 - (t.clock.now() % 30_000));

  const post = (path: string, body: object, tokens?: Tokens) => {
    const request = t.http.post(path);
    return (tokens ? request.set(bearer(tokens.accessToken)) : request).send(body);
  };
  const login = (user: { email: string }, password = PASSWORD) =>
    post('/auth/login', { email: user.email, password });
  const challenge = async (user: { email: string }): Promise<Challenge> => {
    const response = await login(user).expect(200);
    return response.body as Challenge;
  };
  const verify = (mfaToken: string, body: { code?: string; recoveryCode?: string }) =>
    post('/auth/mfa/verify', { mfaToken, ...body });
  const amrOf = (tokens: Tokens) => (jwt.decode(tokens.accessToken) as { amr: string[] }).amr;
  const failedLogins = async (id: string) =>
    (await t.app.get(UsersService).findById(id))!.failedLogins;

  /** A signed-in user who turned two-factor on through the API. */
  async function userWithTotp(): Promise<TwoFactorUser> {
    const user = await given(t).signedInUser();
    const setup = await post('/auth/mfa/totp/setup', { password: PASSWORD }, user.tokens).expect(
      200,
    );
    const secret = setup.body.secret as string;
    const enabled = await post(
      '/auth/mfa/totp/enable',
      { code: codeOf(secret) },
      user.tokens,
    ).expect(200);
    nextStep();
    return { ...user, secret, recoveryCodes: enabled.body.recoveryCodes as string[] };
  }

  describe('setting it up', () => {
    it('asks for the password, and answers the secret, an otpauth URL (issuer APP_NAME, label the email) and a QR code', async () => {
      const user = await given(t).signedInUser();
      const wrong = await post('/auth/mfa/totp/setup', { password: 'not it' }, user.tokens);
      expectCode(wrong, 400, 'invalid_current_password');
      expect(await failedLogins(user.id)).toBe(1);
      const response = await post(
        '/auth/mfa/totp/setup',
        { password: PASSWORD },
        user.tokens,
      ).expect(200);
      const { secret, otpauthUrl, qrCode } = response.body as Record<string, string>;
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      const url = new URL(otpauthUrl);
      expect(url.protocol).toBe('otpauth:');
      expect(url.host).toBe('totp');
      expect(decodeURIComponent(url.pathname)).toBe(`/Acme ID:${user.email}`);
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        issuer: 'Acme ID',
        secret,
        algorithm: 'SHA1',
        digits: '6',
        period: '30',
      });
      expect(qrCode).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('turns on only with a good code, and gives 10 distinct recovery codes once', async () => {
      const user = await given(t).signedInUser();
      const { body } = await post('/auth/mfa/totp/setup', { password: PASSWORD }, user.tokens);
      expectCode(
        await post('/auth/mfa/totp/enable', { code: codeOf(body.secret, 5) }, user.tokens),
        400,
        'invalid_mfa_code',
      );
      // Still off: the password alone signs in.
      expect((await login(user).expect(200)).body).toHaveProperty('accessToken');
      const enabled = await post(
        '/auth/mfa/totp/enable',
        { code: codeOf(body.secret) },
        user.tokens,
      ).expect(200);
      const codes = enabled.body.recoveryCodes as string[];
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
      for (const code of codes)
        expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}$/);
      expectCode(
        await post('/auth/mfa/totp/setup', { password: PASSWORD }, user.tokens),
        409,
        'mfa_already_enabled',
      );
      await mail.find(user.email, 'Two-factor sign-in is on');
    });

    it('answers 409 mfa_setup_required to an enable without a setup', async () => {
      const user = await given(t).signedInUser();
      expectCode(
        await post('/auth/mfa/totp/enable', { code: '123456' }, user.tokens),
        409,
        'mfa_setup_required',
      );
    });

    it('takes user sessions only: an API key gets 403', async () => {
      const user = await given(t).signedInUser();
      const key = await post(
        '/api-keys',
        { name: 'k', scopes: ['users:read'] },
        user.tokens,
      ).expect(201);
      const response = await t.http
        .post('/auth/mfa/totp/setup')
        .set('Authorization', `Bearer ${key.body.key as string}`)
        .send({ password: PASSWORD });
      expectCode(response, 403, 'forbidden');
    });

    it('keeps the secret and the recovery codes out of what the database stores', async () => {
      const user = await userWithTotp();
      const stored = await storedBytes(t);
      const compact = (code: string) => code.replace(/-/g, '');
      for (const secret of [
        user.secret,
        ...user.recoveryCodes,
        ...user.recoveryCodes.map(compact),
      ]) {
        expect(stored.filter((bytes) => bytes.includes(secret))).toHaveLength(0);
      }
    });
  });

  describe('signing in', () => {
    it('answers the password with a second step, not tokens; the step token is no access token', async () => {
      const user = await userWithTotp();
      const step = await challenge(user);
      expect(step).toEqual({
        mfaRequired: true,
        mfaToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        methods: ['totp', 'recovery_code'],
      });
      expect(step).not.toHaveProperty('accessToken');
      expectCode(await t.http.get('/users/me').set(bearer(step.mfaToken)), 401, 'invalid_token');
    });

    it('opens a session with a code; the tokens say amr pwd+otp, also after a refresh', async () => {
      const user = await userWithTotp();
      const step = await challenge(user);
      const response = await verify(step.mfaToken, { code: codeOf(user.secret) }).expect(200);
      const tokens = response.body as Tokens;
      expect(amrOf(tokens)).toEqual(['pwd', 'otp']);
      await t.http.get('/users/me').set(bearer(tokens.accessToken)).expect(200);
      // A code is no recovery code: no "recovery code used" event (nor its mail).
      const events = await t.http.get('/users/me/events').set(bearer(tokens.accessToken));
      const types = (events.body as { items: { type: string }[] }).items.map(({ type }) => type);
      expect(types).toContain('mfa.enabled');
      expect(types).not.toContain('mfa.recovery_code_used');
      const refreshed = await post('/auth/refresh', { refreshToken: tokens.refreshToken }).expect(
        200,
      );
      expect(amrOf(refreshed.body as Tokens)).toEqual(['pwd', 'otp']);
      expect(amrOf((await login({ email: (await given(t).user()).email })).body)).toEqual(['pwd']);
    });

    it('accepts a code once: the same code again, in the same step, is refused; the next step’s code works', async () => {
      const user = await userWithTotp();
      const code = codeOf(user.secret);
      await verify((await challenge(user)).mfaToken, { code }).expect(200);
      expectCode(await verify((await challenge(user)).mfaToken, { code }), 401, 'invalid_mfa_code');
      // One step later the previous step's code is still inside the window, but it was used.
      t.clock.advance(30_000);
      expectCode(await verify((await challenge(user)).mfaToken, { code }), 401, 'invalid_mfa_code');
      await verify((await challenge(user)).mfaToken, { code: codeOf(user.secret) }).expect(200);
    });

    it('accepts a code one step either side, not two', async () => {
      const user = await userWithTotp();
      nextStep();
      // The code of the step before (not used yet) still works.
      await verify((await challenge(user)).mfaToken, { code: codeOf(user.secret, -1) }).expect(200);
      nextStep();
      nextStep();
      expectCode(
        await verify((await challenge(user)).mfaToken, { code: codeOf(user.secret, 2) }),
        401,
        'invalid_mfa_code',
      );
      await verify((await challenge(user)).mfaToken, { code: codeOf(user.secret, 1) }).expect(200);
    });

    it('of 20 parallel uses of one code, exactly one opens a session', async () => {
      const user = await userWithTotp();
      const steps = await Promise.all(Array.from({ length: 20 }, () => challenge(user)));
      const code = codeOf(user.secret);
      const answers = await Promise.all(steps.map((step) => verify(step.mfaToken, { code })));
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
      expect(answers.filter((answer) => answer.status === 401)).toHaveLength(19);
    });

    it('takes a recovery code once (amr pwd+rcv), in any case and without hyphens, and mails the owner', async () => {
      const user = await userWithTotp();
      const [first] = user.recoveryCodes;
      const typed = first.replace(/-/g, '').toLowerCase();
      const response = await verify((await challenge(user)).mfaToken, {
        recoveryCode: typed,
      }).expect(200);
      expect(amrOf(response.body as Tokens)).toEqual(['pwd', 'rcv']);
      expectCode(
        await verify((await challenge(user)).mfaToken, { recoveryCode: first }),
        401,
        'invalid_mfa_code',
      );
      const notice = await mail.find(user.email, 'recovery code was used');
      expect(notice.text).toContain('9 unused codes are left');
    });

    it('of 20 parallel uses of one recovery code, exactly one opens a session', async () => {
      const user = await userWithTotp();
      const steps = await Promise.all(Array.from({ length: 20 }, () => challenge(user)));
      const [code] = user.recoveryCodes;
      const answers = await Promise.all(
        steps.map((step) => verify(step.mfaToken, { recoveryCode: code })),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([
        200,
        ...Array<number>(19).fill(401),
      ]);
    });

    it('uses the step token up, and lets it expire after MFA_TOKEN_TTL', async () => {
      const user = await userWithTotp();
      const step = await challenge(user);
      await verify(step.mfaToken, { code: codeOf(user.secret) }).expect(200);
      nextStep();
      expectCode(
        await verify(step.mfaToken, { code: codeOf(user.secret) }),
        401,
        'mfa_token_invalid',
      );
      const late = await challenge(user);
      t.clock.advanceSeconds(301);
      expectCode(
        await verify(late.mfaToken, { code: codeOf(user.secret) }),
        401,
        'mfa_token_invalid',
      );
      expectCode(await verify('x'.repeat(43), { code: '123456' }), 401, 'mfa_token_invalid');
    });

    it('allows 5 tries per step token; wrong codes count toward lockout, and the password alone does not clear them', async () => {
      const user = await userWithTotp();
      const step = await challenge(user);
      const wrong = codeOf(user.secret, 10);
      for (let i = 0; i < LOCKOUT_THRESHOLD - 1; i += 1) {
        expectCode(await verify(step.mfaToken, { code: wrong }), 401, 'invalid_mfa_code');
      }
      expect(await failedLogins(user.id)).toBe(LOCKOUT_THRESHOLD - 1);
      // A new password sign-in does not forgive the wrong codes: one more locks the account.
      const again = await challenge(user);
      expect(await failedLogins(user.id)).toBe(LOCKOUT_THRESHOLD - 1);
      expectCode(await verify(again.mfaToken, { code: wrong }), 401, 'invalid_mfa_code');
      await mail.find(user.email, 'locked');
      // Locked: the right code is refused too, and the password gets the ordinary answer.
      expectCode(
        await verify(again.mfaToken, { code: codeOf(user.secret) }),
        401,
        'invalid_mfa_code',
      );
      expectCode(await login(user), 401, 'invalid_credentials');
    });

    it('refuses the sixth try of one step token even with the right code', async () => {
      const user = await userWithTotp();
      const step = await challenge(user);
      for (let i = 0; i < 5; i += 1) {
        expectCode(
          await verify(step.mfaToken, { code: codeOf(user.secret, 9) }),
          401,
          'invalid_mfa_code',
        );
        // Forgive the failures, so that the lockout threshold is not what stops the tries.
        await t.app.get(UsersService).clearLockout(user.id);
      }
      expectCode(
        await verify(step.mfaToken, { code: codeOf(user.secret) }),
        401,
        'mfa_token_invalid',
      );
    });

    it('answers 400 for a malformed second step', async () => {
      const user = await userWithTotp();
      const { mfaToken } = await challenge(user);
      for (const body of [
        { mfaToken },
        { mfaToken, code: '12345' },
        { mfaToken, code: 123456 },
        { mfaToken, code: '123456', recoveryCode: 'AAAA-BBBB-CCCC' },
        { mfaToken: 'short', code: '123456' },
        { mfaToken, recoveryCode: 'x'.repeat(33) },
        { mfaToken, code: '123456', extra: true },
      ]) {
        const response = await post('/auth/mfa/verify', body);
        expect({ body, status: response.status, code: response.body.code }).toEqual({
          body,
          status: 400,
          code: 'validation_failed',
        });
      }
    });

    it('survives a password reset', async () => {
      const user = await userWithTotp();
      await post('/auth/password/forgot', { email: user.email }).expect(202);
      const link = await mail.find(user.email, 'Reset your');
      await post('/auth/password/reset', {
        token: link.token,
        newPassword: 'a new passphrase after reset',
      }).expect(204);
      const step = await login(user, 'a new passphrase after reset').expect(200);
      expect(step.body).toMatchObject({ mfaRequired: true });
    });
  });

  describe('turning it off and new recovery codes', () => {
    it('turns off with the password and a code; then the password alone signs in', async () => {
      const user = await userWithTotp();
      expectCode(
        await post(
          '/auth/mfa/totp/disable',
          { password: 'wrong', code: codeOf(user.secret) },
          user.tokens,
        ),
        400,
        'invalid_current_password',
      );
      expectCode(
        await post('/auth/mfa/totp/disable', { password: PASSWORD, code: '000000' }, user.tokens),
        400,
        'invalid_mfa_code',
      );
      await post(
        '/auth/mfa/totp/disable',
        { password: PASSWORD, code: codeOf(user.secret) },
        user.tokens,
      ).expect(204);
      expect((await login(user).expect(200)).body).toHaveProperty('accessToken');
      expectCode(
        await post('/auth/mfa/totp/disable', { password: PASSWORD, code: '000000' }, user.tokens),
        409,
        'mfa_not_enabled',
      );
      await mail.find(user.email, 'Two-factor sign-in is off');
    });

    it('turns off with a recovery code in place of the app’s code', async () => {
      const user = await userWithTotp();
      await post(
        '/auth/mfa/totp/disable',
        { password: PASSWORD, code: user.recoveryCodes[3] },
        user.tokens,
      ).expect(204);
    });

    it('replaces the recovery codes: the old ones stop working, the new ones work', async () => {
      const user = await userWithTotp();
      const response = await post(
        '/auth/mfa/recovery-codes',
        { password: PASSWORD, code: codeOf(user.secret) },
        user.tokens,
      ).expect(200);
      const fresh = response.body.recoveryCodes as string[];
      expect(fresh).toHaveLength(10);
      expect(fresh.filter((code) => user.recoveryCodes.includes(code))).toEqual([]);
      expectCode(
        await verify((await challenge(user)).mfaToken, { recoveryCode: user.recoveryCodes[0] }),
        401,
        'invalid_mfa_code',
      );
      await verify((await challenge(user)).mfaToken, { recoveryCode: fresh[0] }).expect(200);
      await mail.find(user.email, 'New recovery codes');
    });
  });

  describe('administration', () => {
    it('shows mfaEnabled and lets an administrator turn it off; the user is told', async () => {
      const admin = await given(t).admin();
      const user = await userWithTotp();
      const as = bearer(admin.tokens.accessToken);
      const shown = await t.http.get(`/admin/users/${user.id}`).set(as).expect(200);
      expect(shown.body).toMatchObject({ mfaEnabled: true });
      await t.http.delete(`/admin/users/${user.id}/mfa`).set(as).expect(204);
      const after = await t.http.get(`/admin/users/${user.id}`).set(as).expect(200);
      expect(after.body).toMatchObject({ mfaEnabled: false });
      expect((await login(user).expect(200)).body).toHaveProperty('accessToken');
      const notice = await mail.find(user.email, 'Two-factor sign-in is off');
      expect(notice.text).toContain('An administrator');
      const events = await t.http
        .get('/admin/events')
        .query({ userId: user.id, type: 'admin.mfa_removed' })
        .set(as)
        .expect(200);
      expect(events.body.items[0]).toMatchObject({ actorId: admin.id });
      // Idempotent.
      await t.http.delete(`/admin/users/${user.id}/mfa`).set(as).expect(204);
    });

    it('refuses the second step of a disabled account before its code is checked: no session is opened', async () => {
      const user = await userWithTotp();
      const step = await challenge(user);
      await t.app.get(UsersService).administer(user.id, { disabled: true });
      const sessions = () =>
        t.app.get(DataSource).getRepository(Session).countBy({ userId: user.id });
      const before = await sessions();
      expectCode(
        await verify(step.mfaToken, { code: codeOf(user.secret) }),
        403,
        'account_disabled',
      );
      expect(await sessions()).toBe(before);
    });
  });
});

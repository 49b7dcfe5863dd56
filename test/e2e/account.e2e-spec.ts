import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { PasswordResetService } from '../../src/account/password-reset.service';
import { AfterAnswer } from '../../src/common/after-answer';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { OneTimeToken } from '../../src/tokens/one-time-token.entity';
import { User } from '../../src/users/user.entity';
import { given } from '../support/actors';
import { createTestApp, restartTestApp, type TestApp } from '../support/app';
import {
  bearer,
  expectCode,
  login,
  PASSWORD,
  register,
  uniqueEmail,
  type Tokens,
} from '../support/http';
import { captureLogs } from '../support/logs';
import { MailCatcher } from '../support/mail';

const NEW_PASSWORD = 'a brand new passphrase';
const sidOf = (tokens: Tokens) => (jwt.decode(tokens.accessToken) as { sid: string }).sid;
const ACCEPTED = { message: 'if an account can receive it, a message is on its way' };

describe('Account lifecycle (e2e)', () => {
  let t: TestApp;
  const mail = new MailCatcher();

  beforeAll(async () => {
    await mail.start();
    t = await createTestApp({
      env: { SMTP_URL: mail.url, PUBLIC_URL: 'https://auth.example.com', APP_NAME: 'Acme ID' },
    });
  });
  afterAll(async () => {
    await t.close();
    await mail.stop();
  });

  const verify = (token: unknown) => t.http.post('/auth/email/verify').send({ token });
  const me = (tokens: Tokens) => t.http.get('/users/me').set(bearer(tokens.accessToken));

  describe('email verification', () => {
    it('mails a link on registration, built from PUBLIC_URL (never the Host header), in text and HTML', async () => {
      const email = uniqueEmail('verify');
      await t.http
        .post('/auth/register')
        .set('Host', 'evil.example')
        .set('X-Forwarded-Host', 'evil.example')
        .send({ email, password: PASSWORD })
        .expect(201);
      const message = await mail.last(email);
      expect(message.subject).toBe('Confirm your email address for Acme ID');
      expect(message.link).toMatch(
        /^https:\/\/auth\.example\.com\/verify-email\?token=[A-Za-z0-9_-]{43}$/,
      );
      expect(message.html).toContain(message.link!.replace(/&/g, '&amp;'));
      expect(`${message.text}${message.html}`).not.toContain('evil.example');
    });

    it('verifies once with the token; a second use, a made-up or an expired token answers 400', async () => {
      const user = await register(t.http);
      const { token } = await mail.last(user.email);
      const response = await verify(token).expect(200);
      expect(response.body).toMatchObject({ id: user.id, email: user.email, emailVerified: true });
      expectCode(await verify(token), 400, 'email_token_invalid');
      expectCode(await verify('x'.repeat(43)), 400, 'email_token_invalid');
      const late = await register(t.http);
      const stale = (await mail.last(late.email)).token;
      t.clock.advanceSeconds(86_401);
      expectCode(await verify(stale), 400, 'email_token_expired');
    });

    it('the page the link opens changes nothing: it is a page, uncached and without referrer', async () => {
      const user = await register(t.http);
      const { token } = await mail.last(user.email);
      const page = await t.http.get(`/verify-email?token=${token}`).expect(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.headers).toMatchObject({
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      expect(page.text).toContain('Confirm my email address');
      await verify(token).expect(200);
    });

    it('of parallel verifications with one token, exactly one succeeds', async () => {
      const user = await register(t.http);
      const { token } = await mail.last(user.email);
      const statuses = (await Promise.all(Array.from({ length: 8 }, () => verify(token)))).map(
        (response) => response.status,
      );
      expect(statuses.sort()).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
    });

    it('resend answers the same 202 for any address; a new link replaces the old one', async () => {
      const user = await register(t.http);
      const first = await mail.last(user.email);
      for (const email of [user.email, uniqueEmail('nobody')]) {
        const response = await t.http.post('/auth/email/resend').send({ email }).expect(202);
        expect(response.body).toEqual(ACCEPTED);
      }
      const second = await mail.last(user.email, 2);
      expect(second.token).not.toBe(first.token);
      expectCode(await verify(first.token), 400, 'email_token_invalid');
      await verify(second.token).expect(200);
    });

    it('sends at most 3 mails of one kind an hour to an address, still answering 202', async () => {
      const user = await register(t.http);
      await mail.last(user.email);
      for (let i = 0; i < 4; i += 1) {
        await t.http.post('/auth/email/resend').send({ email: user.email }).expect(202);
      }
      await mail.waitFor(user.email, 3);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(mail.to(user.email)).toHaveLength(3);
    });
  });

  describe('password reset', () => {
    const forgot = (email: string) => t.http.post('/auth/password/forgot').send({ email });
    const reset = (token: unknown, newPassword = NEW_PASSWORD) =>
      t.http.post('/auth/password/reset').send({ token, newPassword });

    it('answers the same 202 for unknown and known addresses, and mails only the known one', async () => {
      const user = await register(t.http);
      const nobody = uniqueEmail('nobody');
      const [known, unknown] = [await forgot(user.email), await forgot(nobody)];
      expect([known.status, known.body]).toEqual([202, ACCEPTED]);
      expect([unknown.status, unknown.body]).toEqual([202, ACCEPTED]);
      const message = await mail.last(user.email, 2);
      expect(message.subject).toBe('Reset your Acme ID password');
      expect(message.link).toMatch(/^https:\/\/auth\.example\.com\/reset-password\?token=/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(mail.to(nobody)).toEqual([]);
    });

    it('an accepted request has stored its link and queued its mail once the work after its answer has settled', async () => {
      const user = await register(t.http);
      const nobody = uniqueEmail('nobody');
      // What the route does before its answer: the lookup and the mail come after.
      const service = t.app.get(PasswordResetService);
      service.forgot(user.email);
      service.forgot(nobody);
      await t.app.get(AfterAnswer).settled();
      const data = t.app.get(DataSource);
      const queued = (recipient: string) =>
        data.getRepository(OutboxMessage).countBy({ recipient, kind: 'reset_password' });
      expect(await queued(user.email)).toBe(1);
      expect(await queued(nobody)).toBe(0);
      expect(
        await data
          .getRepository(OneTimeToken)
          .countBy({ userId: user.id, purpose: 'reset_password' }),
      ).toBe(1);
    });

    it('sets the password, revokes every session, verifies the address, mails a notice, returns no token', async () => {
      const user = await register(t.http);
      const sessions = [await login(t.http, user.email), await login(t.http, user.email)];
      await forgot(user.email).expect(202);
      const { token } = await mail.last(user.email, 2);
      const response = await reset(token).expect(204);
      expect(response.text).toBe('');
      for (const tokens of sessions) expectCode(await me(tokens), 401, 'session_revoked');
      expectCode(
        await t.http.post('/auth/login').send({ email: user.email, password: PASSWORD }),
        401,
        'invalid_credentials',
      );
      const fresh = await login(t.http, user.email, NEW_PASSWORD);
      expect((await me(fresh)).body.emailVerified).toBe(true);
      expect((await mail.last(user.email, 3)).subject).toBe('Your Acme ID password was changed');
      expectCode(await reset(token, 'another fine passphrase'), 400, 'reset_token_invalid');
    });

    it('refuses a weak password and leaves the link usable', async () => {
      const user = await register(t.http);
      await forgot(user.email).expect(202);
      const { token } = await mail.last(user.email, 2);
      const weak = await reset(token, 'password1');
      expect(weak.status).toBe(400);
      expect(weak.body).toMatchObject({ code: 'weak_password', rule: 'common' });
      await reset(token).expect(204);
    });

    it('only the newest link works, and a link expires after PASSWORD_RESET_TTL', async () => {
      const user = await register(t.http);
      await forgot(user.email).expect(202);
      const older = (await mail.last(user.email, 2)).token;
      await forgot(user.email).expect(202);
      const newer = (await mail.last(user.email, 3)).token;
      expectCode(await reset(older), 400, 'reset_token_invalid');
      t.clock.advanceSeconds(1801);
      expectCode(await reset(newer), 400, 'reset_token_expired');
    });

    it('of ten parallel resets with one token, exactly one succeeds', async () => {
      const user = await register(t.http);
      await forgot(user.email).expect(202);
      const { token } = await mail.last(user.email, 2);
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => reset(token, `${NEW_PASSWORD} ${i}`)),
      );
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([204, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
    });

    it('refuses tokens of any shape with 400', async () => {
      for (const token of ['', 'x'.repeat(10_000), 42, null, ['a'], { $ne: null }]) {
        const response = await reset(token);
        const shown = JSON.stringify(token).slice(0, 10);
        expect({ token: shown, status: response.status }).toEqual({ token: shown, status: 400 });
      }
    });
  });

  describe('signed in', () => {
    it('changes the password: a wrong current one is 400; the other sessions end, this one goes on', async () => {
      const user = await given(t).user();
      const current = await given(t).session(user);
      const other = await given(t).session(user);
      const change = (currentPassword: string) =>
        t.http
          .post('/auth/password/change')
          .set(bearer(current.accessToken))
          .send({ currentPassword, newPassword: NEW_PASSWORD });
      expectCode(await change('not it'), 400, 'invalid_current_password');
      await change(PASSWORD).expect(204);
      await me(current).expect(200);
      expectCode(await me(other), 401, 'session_revoked');
      await login(t.http, user.email, NEW_PASSWORD);
      await mail.find(user.email, 'Your Acme ID password was changed');
    });

    it('changes the email: a link to the new address, a notice to the old, the change when the link is used', async () => {
      const user = await given(t).user();
      const session = await given(t).session(user);
      const newEmail = uniqueEmail('moved');
      const ask = (body: object) =>
        t.http.post('/users/me/email').set(bearer(session.accessToken)).send(body);
      expectCode(await ask({ newEmail, password: 'not it' }), 400, 'invalid_current_password');
      const taken = await given(t).user();
      expectCode(await ask({ newEmail: taken.email, password: PASSWORD }), 409, 'email_taken');
      await ask({ newEmail: newEmail.toUpperCase(), password: PASSWORD }).expect(202);
      const notice = await mail.find(user.email, 'Your Acme ID email address is about to change');
      expect(notice.text).toContain(newEmail);
      const confirm = await mail.last(newEmail);
      expect((await me(session)).body.email).toBe(user.email);
      const verified = await verify(confirm.token).expect(200);
      expect(verified.body).toMatchObject({ email: newEmail, emailVerified: true });
      await login(t.http, newEmail);
      expectCode(
        await t.http.post('/auth/login').send({ email: user.email, password: PASSWORD }),
        401,
        'invalid_credentials',
      );
    });

    it('renames', async () => {
      const { tokens } = await given(t).signedInUser();
      const renamed = await t.http
        .patch('/users/me')
        .set(bearer(tokens.accessToken))
        .send({ name: '  Grace  ' })
        .expect(200);
      expect(renamed.body.name).toBe('Grace');
      expect((await me(tokens)).body.name).toBe('Grace');
      const cleared = await t.http
        .patch('/users/me')
        .set(bearer(tokens.accessToken))
        .send({ name: null })
        .expect(200);
      expect(cleared.body.name).toBeNull();
    });

    it('deletes the account: sessions end, sign-in fails, the address can register again, events keep the id', async () => {
      const user = await given(t).user();
      const session = await given(t).session(user);
      const remove = (password: string) =>
        t.http.delete('/users/me').set(bearer(session.accessToken)).send({ password });
      expectCode(await remove('not it'), 400, 'invalid_current_password');
      await remove(PASSWORD).expect(204);
      expect((await me(session)).status).toBe(401);
      expectCode(
        await t.http.post('/auth/login').send({ email: user.email, password: PASSWORD }),
        401,
        'invalid_credentials',
      );
      await mail.find(user.email, 'Your Acme ID account was deleted');
      const events = await t.app
        .get(DataSource)
        .query<Array<{ type: string; detail: string }>>(
          'SELECT type, detail FROM auth_events WHERE user_id = $1'.replace(
            '$1',
            t.database.kind === 'sqlite' ? '?' : '$1',
          ),
          [user.id],
        );
      expect(events.map((event) => event.type)).toContain('account.deleted');
      expect(JSON.stringify(events)).not.toContain(user.email);
      await register(t.http, { email: user.email });
    });
  });

  describe('sessions', () => {
    it('lists the live sessions, marks the current one, and revokes one by id', async () => {
      const user = await given(t).user();
      const a = await login(t.http, user.email);
      const b = await login(t.http, user.email);
      const listed = await t.http.get('/auth/sessions').set(bearer(a.accessToken)).expect(200);
      expect(listed.body).toHaveLength(2);
      expect(listed.body).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: sidOf(a), current: true, ip: expect.any(String) }),
          expect.objectContaining({ id: sidOf(b), current: false }),
        ]),
      );
      await t.http
        .delete(`/auth/sessions/${sidOf(b)}`)
        .set(bearer(a.accessToken))
        .expect(204);
      expectCode(await me(b), 401, 'session_revoked');
      await me(a).expect(200);
      const after = await t.http.get('/auth/sessions').set(bearer(a.accessToken)).expect(200);
      expect(after.body.map((session: { id: string }) => session.id)).toEqual([sidOf(a)]);
    });

    it("answers 404 for another user's session, an unknown id and a malformed one", async () => {
      const mine = await given(t).signedInUser();
      const theirs = await given(t).signedInUser();
      for (const id of [sidOf(theirs.tokens), '00000000-0000-4000-8000-000000000000', 'nope']) {
        expectCode(
          await t.http.delete(`/auth/sessions/${id}`).set(bearer(mine.tokens.accessToken)),
          404,
          'not_found',
        );
      }
      await me(theirs.tokens).expect(200);
    });

    it('records the last use on refresh', async () => {
      const { tokens } = await given(t).signedInUser();
      t.clock.advanceSeconds(60);
      const next = (
        await t.http.post('/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(200)
      ).body as Tokens;
      const [session] = (await t.http.get('/auth/sessions').set(bearer(next.accessToken)))
        .body as Array<{
        createdAt: string;
        lastUsedAt: string;
      }>;
      expect(Date.parse(session.lastUsedAt) - Date.parse(session.createdAt)).toBe(60_000);
    });
  });

  describe('GET /users/me/events', () => {
    it('pages the caller’s own events newest first, with a cursor', async () => {
      const user = await register(t.http);
      await login(t.http, user.email);
      await t.http
        .post('/auth/login')
        .send({ email: user.email, password: 'wrong one' })
        .expect(401);
      const tokens = await login(t.http, user.email);
      const first = await t.http
        .get('/users/me/events?limit=2')
        .set(bearer(tokens.accessToken))
        .expect(200);
      expect(first.body.items.map((event: { type: string }) => event.type)).toEqual([
        'login.succeeded',
        'login.failed',
      ]);
      expect(first.body.items[1]).toMatchObject({ detail: { reason: 'wrong_password' } });
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const rest = await t.http
        .get(`/users/me/events?limit=100&cursor=${first.body.nextCursor}`)
        .set(bearer(tokens.accessToken))
        .expect(200);
      const types = rest.body.items.map((event: { type: string }) => event.type);
      expect(types).toEqual(
        expect.arrayContaining(['login.succeeded', 'email.verification_sent', 'user.registered']),
      );
      expect(types.at(-1)).toBe('user.registered');
      expect(rest.body.nextCursor).toBeNull();
      const other = await given(t).signedInUser();
      const theirs = await t.http.get('/users/me/events').set(bearer(other.tokens.accessToken));
      expect(JSON.stringify(theirs.body)).not.toContain(user.id);
    });

    it.each([
      'limit=0',
      'limit=101',
      'limit=abc',
      'cursor=%00',
      'cursor=bm90LWEtY3Vyc29y',
      'other=1',
    ])('answers 400 validation_failed to ?%s', async (query) => {
      const { tokens } = await given(t).signedInUser();
      expectCode(
        await t.http.get(`/users/me/events?${query}`).set(bearer(tokens.accessToken)),
        400,
        'validation_failed',
      );
    });
  });
});

describe('Lockout (e2e)', () => {
  let t: TestApp;
  const mail = new MailCatcher();

  beforeAll(async () => {
    await mail.start();
    t = await createTestApp({
      env: {
        SMTP_URL: mail.url,
        LOCKOUT_THRESHOLD: '3',
        LOCKOUT_DURATION: '60',
        LOCKOUT_MAX_DURATION: '100',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await mail.stop();
  });

  const attempt = (email: string, password: string) =>
    t.http.post('/auth/login').send({ email, password });

  it('locks after LOCKOUT_THRESHOLD failures: even the right password gets the same 401; unlocks after the duration', async () => {
    const user = await given(t).user();
    for (let i = 0; i < 3; i += 1) await attempt(user.email, 'wrong').expect(401);
    const wrong = await attempt(user.email, 'wrong');
    const right = await attempt(user.email, PASSWORD);
    expect(right.status).toBe(401);
    expect(right.text).toBe(wrong.text);
    await mail.find(user.email, 'is locked for a while');
    t.clock.advanceSeconds(61);
    await attempt(user.email, PASSWORD).expect(200);
  });

  it('doubles each further lock, never beyond LOCKOUT_MAX_DURATION, and mails once per lock', async () => {
    const user = await given(t).user();
    const lock = async () => {
      for (let i = 0; i < 3; i += 1) await attempt(user.email, 'wrong').expect(401);
    };
    await lock();
    t.clock.advanceSeconds(61);
    await lock();
    t.clock.advanceSeconds(61);
    expect((await attempt(user.email, PASSWORD)).status).toBe(401);
    t.clock.advanceSeconds(60);
    await lock();
    t.clock.advanceSeconds(99);
    expect((await attempt(user.email, PASSWORD)).status).toBe(401);
    t.clock.advanceSeconds(2);
    await attempt(user.email, PASSWORD).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const locks = mail.to(user.email).filter((message) => message.subject.includes('locked'));
    expect(locks).toHaveLength(3);
  });

  it('counts parallel failures, and not the attempts made while locked', async () => {
    const user = await given(t).user();
    const row = () => t.app.get(DataSource).getRepository(User).findOneByOrFail({ id: user.id });
    await Promise.all([attempt(user.email, 'a'), attempt(user.email, 'b')]);
    expect((await row()).failedLogins).toBe(2);
    await Promise.all([
      attempt(user.email, 'c'),
      attempt(user.email, 'd'),
      attempt(user.email, 'e'),
    ]);
    const locked = await row();
    expect(locked.lockedUntil).toBeGreaterThan(t.clock.now());
    expect(locked.lockouts).toBe(1);
    expect(locked.failedLogins).toBe(0);
  });

  it('a wrong current password counts too, and a password reset clears the lock', async () => {
    const user = await given(t).user();
    const session = await given(t).session(user);
    for (let i = 0; i < 3; i += 1) {
      await t.http
        .post('/auth/password/change')
        .set(bearer(session.accessToken))
        .send({ currentPassword: 'wrong', newPassword: NEW_PASSWORD })
        .expect(400);
    }
    expect((await attempt(user.email, PASSWORD)).status).toBe(401);
    // Once locked, a further wrong current password is refused without counting toward the next lock.
    await t.http
      .post('/auth/password/change')
      .set(bearer(session.accessToken))
      .send({ currentPassword: 'wrong', newPassword: NEW_PASSWORD })
      .expect(400);
    const locked = await t.app.get(DataSource).getRepository(User).findOneByOrFail({ id: user.id });
    expect(locked.lockouts).toBe(1);
    expect(locked.failedLogins).toBe(0);
    await t.http.post('/auth/password/forgot').send({ email: user.email }).expect(202);
    const message = await mail.find(user.email, 'Reset your');
    await t.http
      .post('/auth/password/reset')
      .send({ token: message.token, newPassword: NEW_PASSWORD })
      .expect(204);
    await attempt(user.email, NEW_PASSWORD).expect(200);
  });
});

describe('REQUIRE_EMAIL_VERIFICATION=true (e2e)', () => {
  let t: TestApp;
  const mail = new MailCatcher();

  beforeAll(async () => {
    await mail.start();
    t = await createTestApp({ env: { SMTP_URL: mail.url, REQUIRE_EMAIL_VERIFICATION: 'true' } });
  });
  afterAll(async () => {
    await t.close();
    await mail.stop();
  });

  it('answers 403 email_not_verified to the right password only, until the address is verified', async () => {
    const user = await register(t.http);
    expectCode(
      await t.http.post('/auth/login').send({ email: user.email, password: 'wrong' }),
      401,
      'invalid_credentials',
    );
    expectCode(
      await t.http.post('/auth/login').send({ email: user.email, password: PASSWORD }),
      403,
      'email_not_verified',
    );
    const { token } = await mail.last(user.email);
    await t.http.post('/auth/email/verify').send({ token }).expect(200);
    await login(t.http, user.email);
  });
});

describe('Mail delivery (e2e)', () => {
  it('keeps answering 202 while SMTP is down, and delivers once it is back', async () => {
    const mail = new MailCatcher();
    await mail.start();
    const t = await createTestApp({ env: { SMTP_URL: mail.url } });
    try {
      const user = await given(t).user();
      await mail.last(user.email);
      await mail.stop();
      await t.http.post('/auth/password/forgot').send({ email: user.email }).expect(202);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await mail.start();
      // The first attempt failed: the retry is due 5 s later on the server's clock.
      t.clock.advanceSeconds(6);
      const message = await mail.last(user.email, 2);
      expect(message.subject).toContain('Reset');
    } finally {
      await t.close();
      await mail.stop();
    }
  });

  it('loses nothing across a restart: a message queued before is delivered after', async () => {
    const mail = new MailCatcher();
    await mail.start();
    mail.refuseWith = 'try again later';
    let t = await createTestApp({ env: { SMTP_URL: mail.url } });
    try {
      const user = await given(t).user();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(mail.to(user.email)).toEqual([]);
      t = await restartTestApp(t);
      mail.refuseWith = undefined;
      t.clock.advanceSeconds(6);
      expect((await mail.last(user.email)).subject).toContain('Confirm your email address');
    } finally {
      await t.close();
      await mail.stop();
    }
  });

  it('without SMTP_URL in development, writes each mail to DATA_DIR/outbox and logs its link', async () => {
    const logs = captureLogs();
    const t = await createTestApp({ env: { LOG_LEVEL: 'info' }, logStream: logs.stream });
    try {
      const user = await register(t.http);
      const folder = join(t.database.dataDir, 'outbox');
      let files: string[] = [];
      for (let i = 0; i < 100 && files.length === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        files = readdirSync(folder, { withFileTypes: true })
          .filter((entry) => entry.name.endsWith('.eml'))
          .map((entry) => entry.name);
      }
      expect(files).toHaveLength(1);
      const eml = readFileSync(join(folder, files[0]), 'utf8');
      expect(eml).toContain(`To: ${user.email}`);
      expect(logs.text()).toMatch(
        /written to .*\.eml; link: http:\/\/localhost:\d+\/verify-email\?token=/,
      );
    } finally {
      await t.close();
    }
  });
});

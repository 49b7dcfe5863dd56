import { randomBytes, randomUUID } from 'node:crypto';
import { AdminUsersService } from '../../src/admin/admin-users.service';
import { UsersService } from '../../src/users/users.service';
import { given, type SignedInActor } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { bearer, expectCode, PASSWORD, uniqueEmail, type Tokens } from '../support/http';
import { MailCatcher } from '../support/mail';

interface AdminUserBody {
  id: string;
  email: string;
  name: string | null;
  roles: string[];
  disabled: boolean;
  emailVerified: boolean;
  lastLoginAt: string | null;
  updatedAt: string;
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface EventBody {
  type: string;
  actorId: string | null;
  detail: Record<string, unknown>;
}

describe('Admin API (e2e)', () => {
  let t: TestApp;
  let admin: SignedInActor;
  const mail = new MailCatcher();

  beforeAll(async () => {
    await mail.start();
    t = await createTestApp({
      env: { SMTP_URL: mail.url, PUBLIC_URL: 'https://auth.example.com' },
    });
    admin = await given(t).admin();
  });
  afterAll(async () => {
    await t.close();
    await mail.stop();
  });

  const as = (tokens: Tokens = admin.tokens) => bearer(tokens.accessToken);
  const me = (tokens: Tokens) => t.http.get('/users/me').set(bearer(tokens.accessToken));
  const refresh = (tokens: Tokens) =>
    t.http.post('/auth/refresh').send({ refreshToken: tokens.refreshToken });
  const patch = (id: string, body: object) =>
    t.http.patch(`/admin/users/${id}`).set(as()).send(body);
  const list = async (query: Record<string, string | number>) => {
    const response = await t.http.get('/admin/users').query(query).set(as()).expect(200);
    return response.body as Page<AdminUserBody>;
  };
  const eventsOf = async (userId: string, type?: string) => {
    const response = await t.http
      .get('/admin/events')
      .query(type ? { userId, type } : { userId })
      .set(as())
      .expect(200);
    return (response.body as Page<EventBody>).items;
  };

  describe('who may call', () => {
    const routes: Array<[string, (id: string) => string]> = [
      ['get', () => '/admin/users'],
      ['post', () => '/admin/users'],
      ['get', (id) => `/admin/users/${id}`],
      ['patch', (id) => `/admin/users/${id}`],
      ['delete', (id) => `/admin/users/${id}`],
      ['get', (id) => `/admin/users/${id}/sessions`],
      ['delete', (id) => `/admin/users/${id}/sessions`],
      ['post', (id) => `/admin/users/${id}/password-reset`],
      ['get', () => '/admin/events'],
    ];

    it('answers 403 forbidden to a signed-in user without the admin role, on every /admin route', async () => {
      const user = await given(t).signedInUser();
      for (const [method, path] of routes) {
        const response = await t.http[method as 'get'](path(user.id)).set(as(user.tokens)).send({});
        expect({
          route: `${method} ${path(':id')}`,
          status: response.status,
          code: response.body.code,
        }).toEqual({ route: `${method} ${path(':id')}`, status: 403, code: 'forbidden' });
      }
      expect((await t.app.get(UsersService).findById(user.id))?.disabled).toBe(false);
    });

    it('takes an administrator’s API key with admin:read for reads only, and none once the owner is demoted', async () => {
      const owner = await given(t).admin();
      const created = await t.http
        .post('/api-keys')
        .set(as(owner.tokens))
        .send({ name: 'ops', scopes: ['admin:read', 'users:read'] })
        .expect(201);
      const key = { Authorization: `Bearer ${created.body.key as string}` };
      await t.http.get('/admin/users').set(key).expect(200);
      expectCode(
        await t.http.patch(`/admin/users/${owner.id}`).set(key).send({ name: 'x' }),
        403,
        'insufficient_scope',
      );
      await patch(owner.id, { roles: ['user'] }).expect(200);
      // The owner's roles are read through a cache of at most a second; this instance dropped it at once.
      expectCode(await t.http.get('/admin/users').set(key), 403, 'forbidden');
      await t.http.get('/users/me').set(key).expect(200);
    });

    it('answers 401 without a credential', async () => {
      expectCode(await t.http.get('/admin/users'), 401, 'missing_token');
    });
  });

  describe('GET /admin/users', () => {
    it('finds accounts by a case-insensitive prefix of the email or of the name', async () => {
      const tag = randomBytes(4).toString('hex');
      const byEmail = await given(t).user({ email: `find-${tag}@example.com` });
      const byName = await given(t).user({ name: `Findme ${tag}` });
      await given(t).user({ name: `Other ${tag}` });
      const emails = (await list({ q: `FIND-${tag}` })).items.map((user) => user.id);
      expect(emails).toEqual([byEmail.id]);
      const names = (await list({ q: `findme ${tag}` })).items.map((user) => user.id);
      expect(names).toEqual([byName.id]);
    });

    it('treats % and _ in q as text, not as patterns', async () => {
      await given(t).user({ name: 'Percent person' });
      expect((await list({ q: '%' })).items).toEqual([]);
      expect((await list({ q: '_' })).items).toEqual([]);
    });

    it('filters by role and by the disabled flag', async () => {
      const tag = randomBytes(4).toString('hex');
      const support = await given(t).user({ name: `Role ${tag}` });
      const plain = await given(t).user({ name: `Role ${tag}` });
      await t.app.get(UsersService).administer(support.id, { roles: ['user', 'support'] });
      await t.app.get(AdminUsersService).disable(plain.id);
      const supportIds = (await list({ q: `role ${tag}`, role: 'support' })).items.map((u) => u.id);
      expect(supportIds).toEqual([support.id]);
      const disabled = await list({ q: `role ${tag}`, disabled: 'true' });
      expect(disabled.items.map((user) => user.id)).toEqual([plain.id]);
      expect(disabled.items[0]).toMatchObject({ disabled: true });
      const enabled = await list({ q: `role ${tag}`, disabled: 'false' });
      expect(enabled.items.map((user) => user.id)).toEqual([support.id]);
    });

    it('pages newest first with a cursor that neither repeats nor skips when accounts are added between pages', async () => {
      const tag = randomBytes(4).toString('hex');
      const created: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        created.push((await given(t).user({ name: `Page ${tag}` })).id);
        t.clock.advance(1);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<AdminUserBody> = await list({
          q: `page ${tag}`,
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((user) => user.id));
        cursor = page.nextCursor;
        await given(t).user({ name: `Page ${tag}` });
        t.clock.advance(1);
      } while (cursor);
      expect(seen).toEqual([...created].reverse());
    });

    it('shows what an administrator needs: disabled, lastLoginAt, updatedAt; never the hash', async () => {
      const user = await given(t).signedInUser({ name: 'Shown' });
      const response = await t.http.get(`/admin/users/${user.id}`).set(as()).expect(200);
      expect(response.body).toEqual({
        id: user.id,
        email: user.email,
        name: 'Shown',
        emailVerified: false,
        roles: ['user'],
        disabled: false,
        mfaEnabled: false,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        lastLoginAt: new Date(t.clock.now()).toISOString(),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/argon2|hash|password/i);
    });

    it('answers 400 for a bad limit, cursor, role or disabled value', async () => {
      for (const query of [
        { limit: 0 },
        { limit: 101 },
        { limit: 'ten' },
        { cursor: 'bm90LWEtY3Vyc29y' },
        { cursor: '***' },
        { role: 'Admin' },
        { disabled: 'yes' },
        { q: '' },
        { q: 'x'.repeat(101) },
        { q: 'a\u0000b' },
      ]) {
        const response = await t.http.get('/admin/users').query(query).set(as());
        expect({ query, status: response.status, code: response.body.code }).toEqual({
          query,
          status: 400,
          code: 'validation_failed',
        });
      }
    });

    it('answers 404 not_found for an unknown or malformed id', async () => {
      expectCode(await t.http.get(`/admin/users/${randomUUID()}`).set(as()), 404, 'not_found');
      expectCode(await t.http.get('/admin/users/not-an-id').set(as()), 404, 'not_found');
      expectCode(await patch('%00', { name: 'x' }), 404, 'not_found');
    });
  });

  describe('POST /admin/users', () => {
    it('creates an account with a password and roles: it signs in at once', async () => {
      const email = uniqueEmail('created');
      const response = await t.http
        .post('/admin/users')
        .set(as())
        .send({
          email: `  ${email.toUpperCase()} `,
          name: 'Made',
          password: PASSWORD,
          roles: ['user', 'support'],
        })
        .expect(201);
      expect(response.body).toMatchObject({
        email,
        name: 'Made',
        roles: ['user', 'support'],
        disabled: false,
        lastLoginAt: null,
      });
      const tokens = await t.http
        .post('/auth/login')
        .send({ email, password: PASSWORD })
        .expect(200);
      expect(tokens.body).toHaveProperty('accessToken');
      const [created] = await eventsOf(response.body.id, 'admin.user_created');
      expect(created).toMatchObject({
        actorId: admin.id,
        detail: { invited: false, roles: ['user', 'support'] },
      });
    });

    it('without a password, mails an invitation whose link sets the password and verifies the address', async () => {
      const email = uniqueEmail('invited');
      const created = await t.http.post('/admin/users').set(as()).send({ email }).expect(201);
      expect(created.body).toMatchObject({ roles: ['user'], emailVerified: false });
      // No password works before the invitation is used.
      expectCode(
        await t.http.post('/auth/login').send({ email, password: '' }),
        400,
        'validation_failed',
      );
      expectCode(
        await t.http.post('/auth/login').send({ email, password: '!' }),
        401,
        'invalid_credentials',
      );
      const invitation = await mail.find(email, 'invited');
      expect(invitation.link).toMatch(/^https:\/\/auth\.example\.com\/reset-password\?token=/);
      expect(invitation.text).toContain('7 days');
      t.clock.advanceSeconds(6 * 86_400);
      // Six days on, the administrator signs in again.
      admin.tokens = await given(t).session(admin);
      await t.http
        .post('/auth/password/reset')
        .send({ token: invitation.token, newPassword: PASSWORD })
        .expect(204);
      await t.http.post('/auth/login').send({ email, password: PASSWORD }).expect(200);
      const shown = await t.http.get(`/admin/users/${created.body.id}`).set(as()).expect(200);
      expect(shown.body).toMatchObject({ emailVerified: true });
    });

    it('applies the password rules, refuses a taken address, unknown fields and bad roles', async () => {
      const taken = await given(t).user();
      const cases: Array<[object, number, string]> = [
        [{ email: uniqueEmail(), password: 'short' }, 400, 'weak_password'],
        [{ email: taken.email, password: PASSWORD }, 409, 'email_taken'],
        [{ email: uniqueEmail(), passwordHash: 'x' }, 400, 'validation_failed'],
        [{ email: uniqueEmail(), id: randomUUID() }, 400, 'validation_failed'],
        [{ email: uniqueEmail(), createdAt: 0 }, 400, 'validation_failed'],
        [{ email: uniqueEmail(), roles: ['Admin'] }, 400, 'validation_failed'],
        [{ email: uniqueEmail(), roles: ['user', 'user'] }, 400, 'validation_failed'],
        [{ email: uniqueEmail(), roles: 'admin' }, 400, 'validation_failed'],
        [{ email: uniqueEmail(), roles: [7] }, 400, 'validation_failed'],
        [{ email: uniqueEmail(), roles: ['a'.repeat(33)] }, 400, 'validation_failed'],
        [{ email: 'not an email' }, 400, 'validation_failed'],
        [{ email: uniqueEmail(), password: null }, 400, 'validation_failed'],
        [{ email: uniqueEmail(), roles: null }, 400, 'validation_failed'],
      ];
      for (const [body, status, code] of cases) {
        const response = await t.http.post('/admin/users').set(as()).send(body);
        expect({ body, status: response.status, code: response.body.code }).toEqual({
          body,
          status,
          code,
        });
      }
    });
  });

  describe('PATCH /admin/users/:id', () => {
    it('changes the name and the verified flag, and files the change under the account with the admin as actor', async () => {
      const user = await given(t).user();
      const response = await patch(user.id, { name: '  Renamed ', emailVerified: true }).expect(
        200,
      );
      expect(response.body).toMatchObject({ name: 'Renamed', emailVerified: true });
      const [event] = await eventsOf(user.id, 'admin.user_updated');
      expect(event).toMatchObject({
        actorId: admin.id,
        detail: { changes: { name: 'Renamed', emailVerified: true } },
      });
    });

    it('disabling revokes the sessions at once, refuses refresh and answers the correct password with 403; enabling lets it in again', async () => {
      const user = await given(t).signedInUser();
      await me(user.tokens).expect(200);
      await patch(user.id, { disabled: true }).expect(200);
      expectCode(await me(user.tokens), 401, 'session_revoked');
      expectCode(await refresh(user.tokens), 401, 'session_revoked');
      const login = await t.http
        .post('/auth/login')
        .send({ email: user.email, password: PASSWORD });
      expectCode(login, 403, 'account_disabled');
      await patch(user.id, { disabled: false }).expect(200);
      await t.http.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
    });

    it('taking a role away revokes the sessions; giving one does not', async () => {
      const user = await given(t).signedInUser();
      await patch(user.id, { roles: ['user', 'support'] }).expect(200);
      await me(user.tokens).expect(200);
      const fresh = await given(t).session(user);
      await patch(user.id, { roles: ['user'] }).expect(200);
      expectCode(await me(user.tokens), 401, 'session_revoked');
      expectCode(await me(fresh), 401, 'session_revoked');
      const [revoked] = await eventsOf(user.id, 'session.revoked');
      expect(revoked).toMatchObject({ detail: { reason: 'roles_changed', count: 2 } });
    });

    it('gives a new administrator the admin API at the next sign-in', async () => {
      const user = await given(t).signedInUser();
      expectCode(await t.http.get('/admin/users').set(as(user.tokens)), 403, 'forbidden');
      await patch(user.id, { roles: ['user', 'admin'] }).expect(200);
      const promoted = await given(t).session(user);
      await t.http.get('/admin/users').set(as(promoted)).expect(200);
    });

    it('refuses bad fields with 400 and changes nothing', async () => {
      const user = await given(t).user({ name: 'Kept' });
      for (const body of [
        { passwordHash: 'x' },
        { email: 'other@example.com' },
        { disabled: 'yes' },
        { emailVerified: 1 },
        { roles: ['BAD'] },
        { name: 'x'.repeat(101) },
        { name: 'a\u202Eb' },
        { emailVerified: null },
        { disabled: null },
        { roles: null },
      ]) {
        expectCode(await patch(user.id, body), 400, 'validation_failed');
      }
      const shown = await t.http.get(`/admin/users/${user.id}`).set(as()).expect(200);
      expect(shown.body).toMatchObject({ name: 'Kept', roles: ['user'], disabled: false });
    });
  });

  describe('DELETE /admin/users/:id', () => {
    it('deletes the account with its sessions; its events stay, the deletion filed with the admin as actor', async () => {
      const user = await given(t).signedInUser();
      await t.http.delete(`/admin/users/${user.id}`).set(as()).expect(204);
      expectCode(await me(user.tokens), 401, 'session_revoked');
      expectCode(await t.http.get(`/admin/users/${user.id}`).set(as()), 404, 'not_found');
      expectCode(await t.http.delete(`/admin/users/${user.id}`).set(as()), 404, 'not_found');
      const types = (await eventsOf(user.id)).map((event) => event.type);
      expect(types).toEqual(
        expect.arrayContaining(['admin.user_deleted', 'account.deleted', 'user.registered']),
      );
      const [deleted] = await eventsOf(user.id, 'admin.user_deleted');
      expect(deleted.actorId).toBe(admin.id);
      await mail.find(user.email, 'deleted');
    });
  });

  describe('sessions of an account', () => {
    it('lists the live sessions and revokes them all', async () => {
      const user = await given(t).signedInUser();
      const second = await given(t).session(user);
      const listed = await t.http.get(`/admin/users/${user.id}/sessions`).set(as()).expect(200);
      expect(listed.body).toHaveLength(2);
      expect(listed.body[0]).toMatchObject({ current: false, userAgent: 'portcullis-tests' });
      await t.http.delete(`/admin/users/${user.id}/sessions`).set(as()).expect(204);
      expectCode(await me(user.tokens), 401, 'session_revoked');
      expectCode(await me(second), 401, 'session_revoked');
      expect((await t.http.get(`/admin/users/${user.id}/sessions`).set(as())).body).toEqual([]);
      const [event] = await eventsOf(user.id, 'admin.sessions_revoked');
      expect(event).toMatchObject({ actorId: admin.id, detail: { count: 2 } });
    });
  });

  describe('POST /admin/users/:id/password-reset', () => {
    it('mails the account a reset link that works', async () => {
      const user = await given(t).user();
      const response = await t.http
        .post(`/admin/users/${user.id}/password-reset`)
        .set(as())
        .expect(202);
      expect(response.body).toHaveProperty('message');
      const message = await mail.find(user.email, 'Reset your');
      await t.http
        .post('/auth/password/reset')
        .send({ token: message.token, newPassword: 'a fresh admin-sent passphrase' })
        .expect(204);
      const [event] = await eventsOf(user.id, 'admin.password_reset_sent');
      expect(event.actorId).toBe(admin.id);
    });
  });

  describe('GET /admin/events', () => {
    it('filters by type and time range and pages newest first', async () => {
      const user = await given(t).signedInUser();
      const from = new Date(t.clock.now()).toISOString();
      t.clock.advanceSeconds(10);
      await given(t).session(user);
      await given(t).session(user);
      const logins = (await eventsOf(user.id, 'login.succeeded')).length;
      expect(logins).toBe(3);
      const since = await t.http
        .get('/admin/events')
        .query({
          userId: user.id,
          type: 'login.succeeded',
          since: new Date(t.clock.now()).toISOString(),
        })
        .set(as())
        .expect(200);
      expect(since.body.items).toHaveLength(2);
      const until = await t.http
        .get('/admin/events')
        .query({
          userId: user.id,
          type: 'login.succeeded',
          until: new Date(t.clock.now()).toISOString(),
        })
        .set(as())
        .expect(200);
      expect(until.body.items).toHaveLength(1);
      const first = await t.http
        .get('/admin/events')
        .query({ userId: user.id, limit: 1, since: from })
        .set(as())
        .expect(200);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const next = await t.http
        .get('/admin/events')
        .query({ userId: user.id, limit: 1, since: from, cursor: first.body.nextCursor })
        .set(as())
        .expect(200);
      expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
    });

    it('answers 400 for a malformed filter', async () => {
      for (const query of [
        { userId: 'nope' },
        { type: 'DROP TABLE' },
        { since: 'yesterday' },
        { until: '2026-13-45T00:00:00Z' },
        { limit: 1000 },
      ]) {
        const response = await t.http.get('/admin/events').query(query).set(as());
        expect({ query, status: response.status, code: response.body.code }).toEqual({
          query,
          status: 400,
          code: 'validation_failed',
        });
      }
    });
  });
});

describe('The last administrator (e2e)', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('cannot be demoted, disabled or deleted (409 last_admin), by the admin API or by deleting their own account', async () => {
    const admin = await given(t).admin();
    const as = bearer(admin.tokens.accessToken);
    for (const body of [{ roles: ['user'] }, { disabled: true }, { roles: [] }]) {
      expectCode(
        await t.http.patch(`/admin/users/${admin.id}`).set(as).send(body),
        409,
        'last_admin',
      );
    }
    expectCode(await t.http.delete(`/admin/users/${admin.id}`).set(as), 409, 'last_admin');
    expectCode(
      await t.http.delete('/users/me').set(as).send({ password: PASSWORD }),
      409,
      'last_admin',
    );
    const shown = await t.http.get(`/admin/users/${admin.id}`).set(as).expect(200);
    expect(shown.body).toMatchObject({ roles: ['user', 'admin'], disabled: false });
  });

  it('can step down once another enabled administrator exists', async () => {
    const first = await given(t).admin();
    const second = await given(t).admin();
    await t.app.get(AdminUsersService).disable(second.id);
    // A disabled administrator does not count.
    expectCode(
      await t.http
        .patch(`/admin/users/${first.id}`)
        .set(bearer(first.tokens.accessToken))
        .send({ roles: ['user'] }),
      409,
      'last_admin',
    );
    await t.app.get(UsersService).administer(second.id, { disabled: false });
    await t.http
      .patch(`/admin/users/${first.id}`)
      .set(bearer(first.tokens.accessToken))
      .send({ roles: ['user'] })
      .expect(200);
  });

  it('of two administrators demoting each other at the same time, exactly one succeeds', async () => {
    for (let round = 0; round < 5; round += 1) {
      const a = await given(t).admin();
      const b = await given(t).admin();
      const demote = (actor: SignedInActor, target: SignedInActor) =>
        t.http
          .patch(`/admin/users/${target.id}`)
          .set(bearer(actor.tokens.accessToken))
          .send({ roles: ['user'] });
      // Everyone else steps down first, so a and b are the only administrators.
      const others = (await t.app.get(UsersService).search({ role: 'admin', limit: 100 })).filter(
        (user) => user.id !== a.id && user.id !== b.id,
      );
      for (const other of others) {
        await t.app.get(UsersService).administer(other.id, { roles: ['user'] });
      }
      const answers = await Promise.all([demote(a, b), demote(b, a)]);
      const statuses = answers.map((response) => response.status).sort();
      // The loser's own session may already be revoked by the winner's demotion (401) or it sees 409.
      expect(statuses[0]).toBe(200);
      expect([401, 409]).toContain(statuses[1]);
      const remaining = await t.app.get(UsersService).search({ role: 'admin', limit: 100 });
      expect(remaining.filter((user) => !user.disabled)).toHaveLength(1);
    }
  });
});

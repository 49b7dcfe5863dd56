import { randomUUID } from 'node:crypto';
import { UsersService } from '../../src/users/users.service';
import { given } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { bearer } from '../support/http';

describe('Users (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('GET /users/me', () => {
    it('answers the caller', async () => {
      const { id, email, tokens } = await given(t).signedInUser();
      const response = await t.http.get('/users/me').set(bearer(tokens.accessToken)).expect(200);
      expect(response.body).toMatchObject({ id, email, roles: ['user'], emailVerified: false });
    });

    it('answers 401 missing_token without a bearer token, with WWW-Authenticate', async () => {
      const response = await t.http.get('/users/me').expect(401);
      expect(response.body).toMatchObject({ statusCode: 401, code: 'missing_token' });
      expect(response.headers['www-authenticate']).toBe('Bearer realm="portcullis"');
    });

    it('says why a token is refused in WWW-Authenticate (RFC 6750)', async () => {
      const response = await t.http.get('/users/me').set(bearer('not.a.token')).expect(401);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="portcullis", error="invalid_token"',
      );
    });

    it('ignores a token in the query string', async () => {
      const { tokens } = await given(t).signedInUser();
      const response = await t.http.get(`/users/me?access_token=${tokens.accessToken}`).expect(401);
      expect(response.body.code).toBe('missing_token');
    });

    it('refuses a refresh token sent as a bearer token', async () => {
      const { tokens } = await given(t).signedInUser();
      const response = await t.http.get('/users/me').set(bearer(tokens.refreshToken)).expect(401);
      expect(response.body.code).toBe('invalid_token');
    });
  });

  describe('the last-login time a sign-in records', () => {
    const users = () => t.app.get(UsersService);
    const lastLoginOf = async (id: string) => (await users().findById(id))?.lastLoginAt;

    it('is written while the account is enabled with the roles the sign-in read, and only then', async () => {
      const { id } = await given(t).user();
      t.clock.advanceSeconds(1);
      await expect(users().touchLastLoginIfUnchanged({ id, roles: ['user'] })).resolves.toBe(true);
      expect(await lastLoginOf(id)).toBe(t.clock.now());

      const recorded = t.clock.now();
      t.clock.advanceSeconds(1);
      // Roles changed since the sign-in read them: nothing written, the caller reads the account again.
      await expect(
        users().touchLastLoginIfUnchanged({ id, roles: ['user', 'billing'] }),
      ).resolves.toBe(false);
      await expect(users().touchLastLoginIfUnchanged({ id, roles: [] })).resolves.toBe(false);
      await users().administer(id, { roles: ['user', 'billing'] });
      await expect(users().touchLastLoginIfUnchanged({ id, roles: ['user'] })).resolves.toBe(false);
      expect(await lastLoginOf(id)).toBe(recorded);
      await expect(
        users().touchLastLoginIfUnchanged({ id, roles: ['user', 'billing'] }),
      ).resolves.toBe(true);

      await users().administer(id, { disabled: true });
      t.clock.advanceSeconds(1);
      await expect(
        users().touchLastLoginIfUnchanged({ id, roles: ['user', 'billing'] }),
      ).resolves.toBe(false);
      expect(await lastLoginOf(id)).toBe(t.clock.now() - 1000);
    });

    it('is not written for an account that is gone', async () => {
      await expect(
        users().touchLastLoginIfUnchanged({ id: randomUUID(), roles: ['user'] }),
      ).resolves.toBe(false);
    });
  });
});

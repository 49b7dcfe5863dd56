import { AdminUsersService } from '../../src/admin/admin-users.service';
import { createTestApp, type TestApp } from '../support/app';
import { given } from '../support/actors';
import { bearer, expectCode } from '../support/http';

describe('Admin (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const refresh = (refreshToken: unknown) => t.http.post('/auth/refresh').send({ refreshToken });
  const me = (accessToken: string) => t.http.get('/users/me').set(bearer(accessToken));

  describe('disabling a user', () => {
    it('revokes all of its sessions the same way', async () => {
      const user = await given(t).user();
      const a = await given(t).session(user);
      const b = await given(t).session(user);
      await me(a.accessToken).expect(200);
      await t.app.get(AdminUsersService).disable(user.id);
      for (const tokens of [a, b]) {
        expectCode(await me(tokens.accessToken), 401, 'session_revoked');
        expectCode(await refresh(tokens.refreshToken), 401, 'session_revoked');
      }
    });
  });
});

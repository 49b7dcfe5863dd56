import { DataSource } from 'typeorm';
import { User } from '../../src/users/user.entity';
import { given } from '../support/actors';
import { createTestApp, restartTestApp, type TestApp } from '../support/app';
import { login, PASSWORD } from '../support/http';

describe('Passwords (e2e)', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('upgrades a password hash on login when the argon2 parameters change', async () => {
    const user = await given(t).user();
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

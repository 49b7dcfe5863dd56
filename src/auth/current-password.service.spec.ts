import type { PasswordService } from '../passwords/password.service';
import type { User } from '../users/user.entity';
import { CurrentPasswordService } from './current-password.service';
import type { LockoutService } from './lockout.service';

describe(CurrentPasswordService.name, () => {
  const user = { id: 'u1', passwordHash: '$argon2id$stored' } as User;

  /** The service with a password check answering `ok` and an account locked or not; built for each test. */
  const build = (ok: boolean, locked: boolean) => {
    const verify = jest.fn().mockResolvedValue({ ok, needsRehash: false });
    const recordFailure = jest.fn().mockResolvedValue(undefined);
    const service = new CurrentPasswordService(
      { verify } as unknown as PasswordService,
      { isLocked: () => locked, recordFailure } as unknown as LockoutService,
    );
    return { service, verify, recordFailure };
  };

  it('accepts the right password of an account that is not locked, and counts nothing', async () => {
    const { service, verify, recordFailure } = build(true, false);
    await expect(service.confirm(user, 'right')).resolves.toBeUndefined();
    expect(verify).toHaveBeenCalledWith(user.passwordHash, 'right');
    expect(recordFailure).not.toHaveBeenCalled();
  });

  it('refuses a wrong password and counts it toward lockout', async () => {
    const { service, recordFailure } = build(false, false);
    const context = { ip: '192.0.2.1', userAgent: null };
    await expect(service.confirm(user, 'wrong', context)).rejects.toMatchObject({
      code: 'invalid_current_password',
    });
    expect(recordFailure).toHaveBeenCalledWith(user, context);
  });

  it.each([
    ['the right password', true],
    ['a wrong password', false],
  ])(
    'refuses %s while the account is locked, without counting it, after checking it all the same',
    async (_what, ok) => {
      const { service, verify, recordFailure } = build(ok, true);
      await expect(service.confirm(user, 'any')).rejects.toMatchObject({
        code: 'invalid_current_password',
      });
      expect(verify).toHaveBeenCalledTimes(1);
      expect(recordFailure).not.toHaveBeenCalled();
    },
  );
});

import type { AppConfigService } from '../config';
import type { DomainEvents } from '../events/domain-events';
import type { User } from '../users/user.entity';
import type { UsersService } from '../users/users.service';
import { LockoutService } from './lockout.service';

describe(LockoutService.name, () => {
  const now = 1_764_576_000_000;
  const build = (users: Partial<UsersService> = {}) =>
    new LockoutService(users as UsersService, {} as DomainEvents, { now: () => now }, {
      section: () => ({ threshold: 5, duration: 60, maxDuration: 3600 }),
    } as unknown as AppConfigService);

  it('counts an account as locked until the millisecond its lock ends, not at it', () => {
    const service = build();
    const lockedUntil = (value: number | null) => service.isLocked({ lockedUntil: value } as User);
    expect(lockedUntil(null)).toBe(false);
    expect(lockedUntil(now + 1)).toBe(true);
    expect(lockedUntil(now)).toBe(false);
    expect(lockedUntil(now - 1)).toBe(false);
  });

  describe('a successful sign-in', () => {
    const state = { failedLogins: 0, lockouts: 0, lockedUntil: null };

    it.each([
      ['failed logins', { ...state, failedLogins: 2 }],
      ['earlier locks', { ...state, lockouts: 1 }],
      ['an ended lock', { ...state, lockedUntil: now - 1 }],
    ])('forgets %s', async (_what, counters) => {
      const clearLockout = jest.fn().mockResolvedValue(undefined);
      await build({ clearLockout }).recordSuccess({ id: 'u1', ...counters } as User);
      expect(clearLockout).toHaveBeenCalledWith('u1');
    });

    it('writes nothing when there is nothing to forget', async () => {
      const clearLockout = jest.fn().mockResolvedValue(undefined);
      await build({ clearLockout }).recordSuccess({ id: 'u1', ...state } as User);
      expect(clearLockout).not.toHaveBeenCalled();
    });
  });
});

import type { AppConfigService } from '../config';
import type { DomainEvents } from '../events/domain-events';
import type { User } from '../users/user.entity';
import type { UsersService } from '../users/users.service';
import { LockoutService } from './lockout.service';

describe(LockoutService.name, () => {
  const now = 1_764_576_000_000;
  const service = new LockoutService(
    {} as UsersService,
    {} as DomainEvents,
    { now: () => now },
    {
      get: () => ({ threshold: 5, duration: 60, maxDuration: 3600 }),
    } as unknown as AppConfigService,
  );
  const lockedUntil = (value: number | null) => service.isLocked({ lockedUntil: value } as User);

  it('counts an account as locked until the millisecond its lock ends, not at it', () => {
    expect(lockedUntil(null)).toBe(false);
    expect(lockedUntil(now + 1)).toBe(true);
    expect(lockedUntil(now)).toBe(false);
    expect(lockedUntil(now - 1)).toBe(false);
  });
});

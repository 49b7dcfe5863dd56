import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfigService, type AppConfig } from '../config';
import type { RequestContext } from '../events/domain-event-map';
import { DomainEvents } from '../events/domain-events';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';

/**
 * Account lockout: after LOCKOUT_THRESHOLD consecutive failed password checks an account refuses sign-in for
 * LOCKOUT_DURATION seconds, twice as long after each further lock, never longer than LOCKOUT_MAX_DURATION.
 * While locked, every attempt gets the ordinary answer and is not counted; the owner is mailed once per lock.
 */
@Injectable()
export class LockoutService {
  private readonly settings: AppConfig['lockout'];

  constructor(
    private readonly users: UsersService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    config: AppConfigService,
  ) {
    this.settings = config.section('lockout');
  }

  isLocked(user: User): boolean {
    return user.lockedUntil !== null && user.lockedUntil > this.clock.now();
  }

  /** Counts a failed password check; the failure that reaches the threshold locks the account. */
  async recordFailure(user: User, context?: RequestContext): Promise<void> {
    await this.users.countFailedLogin(user.id);
    const seconds = Math.min(
      this.settings.maxDuration,
      this.settings.duration * 2 ** Math.min(user.lockouts, 30),
    );
    const until = this.clock.now() + seconds * 1000;
    if (await this.users.lockIfThresholdReached(user.id, this.settings.threshold, until)) {
      await this.events.emit('account.locked', {
        userId: user.id,
        email: user.email,
        until,
        failures: this.settings.threshold,
        context,
      });
    }
  }

  /** A successful sign-in forgets the failures and the locks (a lock that has ended included). */
  async recordSuccess(user: User): Promise<void> {
    if (user.failedLogins > 0 || user.lockouts > 0 || user.lockedUntil !== null) {
      await this.users.clearLockout(user.id);
    }
  }
}

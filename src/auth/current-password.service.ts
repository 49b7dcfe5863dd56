import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../events/domain-event-map';
import { PasswordService } from '../passwords/password.service';
import type { User } from '../users/user.entity';
import { invalidCurrentPassword } from './auth.errors';
import { LockoutService } from './lockout.service';

/**
 * The current password asked again by routes that change credentials (password, email, deletion, two-factor). A
 * wrong one counts toward lockout like a failed sign-in; while the account is locked every attempt is refused and
 * not counted. argon2 runs either way.
 */
@Injectable()
export class CurrentPasswordService {
  constructor(
    private readonly passwords: PasswordService,
    private readonly lockout: LockoutService,
  ) {}

  async confirm(user: User, password: string, context?: RequestContext): Promise<void> {
    const locked = this.lockout.isLocked(user);
    const { ok } = await this.passwords.verify(user.passwordHash, password);
    if (ok && !locked) return;
    if (!locked) await this.lockout.recordFailure(user, context);
    throw invalidCurrentPassword();
  }
}

import { Injectable } from '@nestjs/common';
import type { UserPrincipal } from '../access/principal';
import { CurrentPasswordService } from '../auth/current-password.service';
import type { RequestContext } from '../events/domain-event-map';
import { DomainEvents } from '../events/domain-events';
import { invalidMfaCode, mfaNotEnabled } from '../mfa/mfa.errors';
import { MfaService, type TotpSetup } from '../mfa/mfa.service';
import type { User } from '../users/user.entity';
import { userGone } from '../users/users.errors';
import { UsersService } from '../users/users.service';

/**
 * A signed-in user turning two-factor on and off: the current password first where the routes ask for it (a wrong
 * one counts toward lockout), then a code of the authenticator (or a recovery code) where they ask for one.
 */
@Injectable()
export class TwoFactorService {
  constructor(
    private readonly users: UsersService,
    private readonly currentPassword: CurrentPasswordService,
    private readonly mfa: MfaService,
    private readonly events: DomainEvents,
  ) {}

  async setup(
    principal: UserPrincipal,
    password: string,
    context?: RequestContext,
  ): Promise<TotpSetup> {
    const user = await this.caller(principal);
    await this.currentPassword.confirm(user, password, context);
    return this.mfa.beginSetup(user);
  }

  async enable(
    principal: UserPrincipal,
    code: string,
    context?: RequestContext,
  ): Promise<string[]> {
    const user = await this.caller(principal);
    const codes = await this.mfa.enable(user.id, code);
    if (!codes) throw invalidMfaCode();
    await this.events.emit('mfa.enabled', { userId: user.id, email: user.email, context });
    return codes;
  }

  async disable(
    principal: UserPrincipal,
    password: string,
    code: string,
    context?: RequestContext,
  ): Promise<void> {
    const user = await this.confirmed(principal, password, code, context);
    await this.mfa.remove(user.id);
    await this.events.emit('mfa.disabled', { userId: user.id, email: user.email, context });
  }

  async regenerateRecoveryCodes(
    principal: UserPrincipal,
    password: string,
    code: string,
    context?: RequestContext,
  ): Promise<string[]> {
    const user = await this.confirmed(principal, password, code, context);
    const codes = await this.mfa.regenerateRecoveryCodes(user.id);
    await this.events.emit('mfa.recovery_codes_regenerated', {
      userId: user.id,
      email: user.email,
      context,
    });
    return codes;
  }

  /** The caller, once two-factor is on, the password is right and the code is good. */
  private async confirmed(
    principal: UserPrincipal,
    password: string,
    code: string,
    context?: RequestContext,
  ): Promise<User> {
    const user = await this.caller(principal);
    await this.currentPassword.confirm(user, password, context);
    if (!(await this.mfa.isEnabled(user.id))) throw mfaNotEnabled();
    if (!(await this.mfa.verify(user.id, code))) throw invalidMfaCode();
    return user;
  }

  private async caller(principal: UserPrincipal): Promise<User> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw userGone();
    return user;
  }
}

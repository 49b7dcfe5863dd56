import { Injectable } from '@nestjs/common';
import type { UserPrincipal } from '../access/principal';
import { CurrentPasswordService } from '../auth/current-password.service';
import type { RequestContext } from '../events/domain-event-map';
import { DomainEvents } from '../events/domain-events';
import { PasswordService } from '../passwords/password.service';
import { SessionsService } from '../sessions/sessions.service';
import { normalizeEmail } from '../users/normalize-email';
import type { User } from '../users/user.entity';
import { emailTaken, userGone } from '../users/users.errors';
import { UsersService } from '../users/users.service';
import { sameEmail } from './account.errors';
import { EmailVerificationService } from './email-verification.service';

/**
 * What a signed-in user changes about their own credentials, each after their current password (which counts
 * toward lockout when wrong): the password, the email address, the account itself.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly currentPassword: CurrentPasswordService,
    private readonly sessions: SessionsService,
    private readonly verification: EmailVerificationService,
    private readonly events: DomainEvents,
  ) {}

  private async caller(principal: UserPrincipal): Promise<User> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw userGone();
    return user;
  }

  /** POST /auth/password/change: the new password, then every other session of the account revoked. */
  async changePassword(
    principal: UserPrincipal,
    current: string,
    next: string,
    context?: RequestContext,
  ): Promise<void> {
    const user = await this.caller(principal);
    await this.currentPassword.confirm(user, current, context);
    this.passwords.checkPolicy(next, user.email);
    await this.users.updatePasswordHash(user.id, await this.passwords.hash(next));
    await this.sessions.revokeAllForUser(user.id, 'password_changed', context, principal.sessionId);
    await this.events.emit('password.changed', {
      userId: user.id,
      email: user.email,
      sessionId: principal.sessionId,
      context,
    });
  }

  /**
   * POST /users/me/email: mails a confirmation link to the new address (the change happens when it is used) and
   * tells the old address at once. 409 email_taken if another account holds the new address.
   */
  async requestEmailChange(
    principal: UserPrincipal,
    newEmail: string,
    password: string,
    context?: RequestContext,
  ): Promise<void> {
    const user = await this.caller(principal);
    await this.currentPassword.confirm(user, password, context);
    const email = normalizeEmail(newEmail);
    if (email === user.email) throw sameEmail();
    if (await this.users.findByEmail(email)) throw emailTaken();
    if (await this.verification.send(user, 'change_email', email, context)) {
      await this.events.emit('email.change_requested', {
        userId: user.id,
        previousEmail: user.email,
        email,
        context,
      });
    }
  }

  /**
   * DELETE /users/me: the account, its sessions, refresh tokens and one-time tokens, in one statement (foreign
   * keys cascade). Its events stay, with its id only; the address can register again.
   */
  async deleteAccount(
    principal: UserPrincipal,
    password: string,
    context?: RequestContext,
  ): Promise<void> {
    const user = await this.caller(principal);
    await this.currentPassword.confirm(user, password, context);
    if (!(await this.users.delete(user.id))) throw userGone();
    await this.sessions.forgetUser(user.id);
    await this.events.emit('account.deleted', { userId: user.id, email: user.email, context });
  }
}

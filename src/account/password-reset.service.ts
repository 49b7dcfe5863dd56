import { Injectable } from '@nestjs/common';
import { AfterAnswer } from '../common/after-answer';
import { AppConfigService } from '../config';
import { TransactionRunner } from '../database/transaction-runner';
import type { RequestContext } from '../events/domain-event-map';
import { DomainEvents } from '../events/domain-events';
import { MailService } from '../mail/mail.service';
import { PasswordService } from '../passwords/password.service';
import { SessionsService } from '../sessions/sessions.service';
import { OneTimeTokensService } from '../tokens/one-time-tokens.service';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { resetTokenExpired, resetTokenInvalid } from './account.errors';

/** How long an administrator's invitation link works: a week. */
export const INVITATION_TTL_SECONDS = 7 * 86_400;

/** Forgotten passwords: a mailed link (single use, the newest only, PASSWORD_RESET_TTL) sets a new one. */
@Injectable()
export class PasswordResetService {
  private readonly ttl: number;
  private readonly linkBase: string;

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly tokens: OneTimeTokensService,
    private readonly mail: MailService,
    private readonly transactions: TransactionRunner,
    private readonly events: DomainEvents,
    private readonly afterAnswer: AfterAnswer,
    config: AppConfigService,
  ) {
    this.ttl = config.section('account').passwordResetTtl;
    this.linkBase = config.section('mail').resetPasswordUrl;
  }

  /**
   * POST /auth/password/forgot: answered at once, the same for every address (no lookup before the answer, so no
   * difference in timing either); the lookup and the mail happen after.
   */
  forgot(email: string, context?: RequestContext): void {
    this.afterAnswer.run('queueing a password-reset mail', () => this.mailLink(email, context));
  }

  private async mailLink(email: string, context?: RequestContext): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user) return;
    if (await this.sendLink(user, 'reset_password')) {
      await this.events.emit('password.reset_requested', { userId: user.id, context });
    }
  }

  /**
   * Mails `user` a link that sets their password through POST /auth/password/reset (a reset, or an administrator's
   * invitation, valid INVITATION_TTL_SECONDS): the token and the message in one transaction. False when the
   * address had its hourly share of this kind of mail already.
   */
  async sendLink(
    user: Pick<User, 'id' | 'email'>,
    kind: 'reset_password' | 'invitation',
  ): Promise<boolean> {
    const ttlSeconds = kind === 'invitation' ? INVITATION_TTL_SECONDS : this.ttl;
    const token = OneTimeTokensService.generate();
    const link = `${this.linkBase}?token=${token}`;
    const queued = await this.transactions.run(async (manager) => {
      if (!(await this.mail.queue(kind, user.email, { link, ttlSeconds }, manager))) return false;
      await this.tokens.issue(
        { userId: user.id, purpose: 'reset_password', ttlSeconds },
        token,
        manager,
      );
      return true;
    });
    if (queued) this.mail.flush();
    return queued;
  }

  /**
   * POST /auth/password/reset: the new password (the registration rules apply; a weak one leaves the link usable),
   * the token used, the lockout cleared and the address marked verified, in one transaction; then every session
   * of the account is revoked. No tokens are returned: the user signs in with the new password.
   */
  async reset(token: string, newPassword: string, context?: RequestContext): Promise<void> {
    const check = await this.tokens.check(token, ['reset_password']);
    if (check.status === 'expired') throw resetTokenExpired();
    if (check.status === 'invalid') throw resetTokenInvalid();
    const user = await this.users.findById(check.token.userId);
    if (!user) throw resetTokenInvalid();
    this.passwords.checkPolicy(newPassword, user.email);
    const passwordHash = await this.passwords.hash(newPassword);
    await this.transactions.run(async (manager) => {
      if (!(await this.tokens.use(check.token, manager))) throw resetTokenInvalid();
      await this.users.updatePasswordHash(user.id, passwordHash, manager);
      await this.users.clearLockout(user.id, manager);
      await this.users.markEmailVerified(user.id, manager);
    });
    await this.sessions.revokeAllForUser(user.id, 'password_reset', context);
    await this.events.emit('password.reset', { userId: user.id, email: user.email, context });
  }
}

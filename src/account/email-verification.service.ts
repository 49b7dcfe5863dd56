import { Injectable } from '@nestjs/common';
import { AfterAnswer } from '../common/after-answer';
import { AppConfigService } from '../config';
import { TransactionRunner } from '../database/transaction-runner';
import type { RequestContext } from '../events/domain-event-map';
import { DomainEvents } from '../events/domain-events';
import { OnDomainEvent } from '../events/on-domain-event.decorator';
import { MailService } from '../mail/mail.service';
import type { OneTimeTokenPurpose } from '../tokens/one-time-token.entity';
import { OneTimeTokensService } from '../tokens/one-time-tokens.service';
import { UserDto } from '../users/dto/user.dto';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { emailTokenExpired, emailTokenInvalid } from './account.errors';

/**
 * Email verification and email-change confirmation: a link mailed to the address, whose token (single use, the
 * newest only, EMAIL_VERIFICATION_TTL) proves that the address belongs to the account.
 */
@Injectable()
export class EmailVerificationService {
  private readonly ttl: number;
  private readonly linkBase: string;

  constructor(
    private readonly users: UsersService,
    private readonly tokens: OneTimeTokensService,
    private readonly mail: MailService,
    private readonly transactions: TransactionRunner,
    private readonly events: DomainEvents,
    private readonly afterAnswer: AfterAnswer,
    config: AppConfigService,
  ) {
    this.ttl = config.section('account').emailVerificationTtl;
    this.linkBase = config.section('mail').verifyEmailUrl;
  }

  /** Registering mails the verification link. */
  @OnDomainEvent('user.registered')
  async onRegistered({
    userId,
    context,
  }: {
    userId: string;
    context?: RequestContext;
  }): Promise<void> {
    const user = await this.users.findById(userId);
    if (user) await this.send(user, 'verify_email', user.email, context);
  }

  /**
   * Mails a link proving `email` for `user`: the message and its token are stored in one transaction, and only if
   * the address has not had its hourly share of such mail (then nothing changes: the last link still works).
   */
  async send(
    user: User,
    purpose: Extract<OneTimeTokenPurpose, 'verify_email' | 'change_email'>,
    email: string,
    context?: RequestContext,
  ): Promise<boolean> {
    const token = OneTimeTokensService.generate();
    const link = `${this.linkBase}?token=${token}`;
    const kind = purpose === 'verify_email' ? 'verify_email' : 'change_email_confirm';
    const sent = await this.transactions.run(async (manager) => {
      if (!(await this.mail.queue(kind, email, { link, ttlSeconds: this.ttl }, manager)))
        return false;
      await this.tokens.issue(
        { userId: user.id, purpose, ttlSeconds: this.ttl, email },
        token,
        manager,
      );
      return true;
    });
    if (!sent) return false;
    this.mail.flush();
    await this.events.emit('email.verification_sent', { userId: user.id, purpose, context });
    return true;
  }

  /** POST /auth/email/resend: answered at once, the same for every address; the work happens after. */
  resend(email: string, context?: RequestContext): void {
    this.afterAnswer.run('resending a verification mail', () => this.resendNow(email, context));
  }

  private async resendNow(email: string, context?: RequestContext): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (user && !user.emailVerified) await this.send(user, 'verify_email', user.email, context);
  }

  /**
   * POST /auth/email/verify: marks the address verified, or (an email-change link) moves the account to the new
   * address. The token works once: of parallel uses, one succeeds.
   */
  async verify(token: string, context?: RequestContext): Promise<UserDto> {
    const check = await this.tokens.check(token, ['verify_email', 'change_email']);
    if (check.status === 'expired') throw emailTokenExpired();
    if (check.status === 'invalid') throw emailTokenInvalid();
    const row = check.token;
    const user = await this.users.findById(row.userId);
    // A verification link proves the address it was sent to: not one the account has moved away from since.
    if (!user || (row.purpose === 'verify_email' && row.email !== user.email))
      throw emailTokenInvalid();
    if (!(await this.tokens.use(row))) throw emailTokenInvalid();
    if (row.purpose === 'change_email') {
      const changed = await this.users.changeEmail(user.id, row.email!);
      await this.events.emit('email.changed', {
        userId: user.id,
        previousEmail: user.email,
        email: changed.email,
        context,
      });
      return UserDto.from(changed);
    }
    await this.users.markEmailVerified(user.id);
    await this.events.emit('email.verified', { userId: user.id, context });
    return UserDto.from({ ...user, emailVerified: true });
  }
}

import { Injectable } from '@nestjs/common';
import type { DomainEventMap } from '../events/domain-event-map';
import { OnDomainEvent } from '../events/on-domain-event.decorator';
import { MailService } from './mail.service';

/** The notice mails: consequences of account events, queued after the change is stored. */
@Injectable()
export class MailNoticesListener {
  constructor(private readonly mail: MailService) {}

  @OnDomainEvent('password.changed')
  async passwordChanged({ email }: DomainEventMap['password.changed']): Promise<void> {
    await this.mail.queue('password_changed', email);
  }

  @OnDomainEvent('password.reset')
  async passwordReset({ email }: DomainEventMap['password.reset']): Promise<void> {
    await this.mail.queue('password_changed', email);
  }

  @OnDomainEvent('account.locked')
  async accountLocked({ email, until }: DomainEventMap['account.locked']): Promise<void> {
    await this.mail.queue('account_locked', email, { until });
  }

  @OnDomainEvent('email.change_requested')
  async emailChangeRequested({
    previousEmail,
    email,
  }: DomainEventMap['email.change_requested']): Promise<void> {
    await this.mail.queue('change_email_notice', previousEmail, { newEmail: email });
  }

  @OnDomainEvent('account.deleted')
  async accountDeleted({ email }: DomainEventMap['account.deleted']): Promise<void> {
    await this.mail.queue('account_deleted', email);
  }
}

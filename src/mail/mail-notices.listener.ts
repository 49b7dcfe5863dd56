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

  @OnDomainEvent('mfa.enabled')
  async mfaEnabled({ email }: DomainEventMap['mfa.enabled']): Promise<void> {
    await this.mail.queue('mfa_enabled', email);
  }

  @OnDomainEvent('mfa.disabled')
  async mfaDisabled({ email, actorId }: DomainEventMap['mfa.disabled']): Promise<void> {
    await this.mail.queue('mfa_disabled', email, { byAdministrator: actorId !== undefined });
  }

  @OnDomainEvent('mfa.recovery_code_used')
  async recoveryCodeUsed({
    email,
    remaining,
  }: DomainEventMap['mfa.recovery_code_used']): Promise<void> {
    await this.mail.queue('recovery_code_used', email, { remaining });
  }

  @OnDomainEvent('mfa.recovery_codes_regenerated')
  async recoveryCodesRegenerated({
    email,
  }: DomainEventMap['mfa.recovery_codes_regenerated']): Promise<void> {
    await this.mail.queue('recovery_codes_regenerated', email);
  }

  @OnDomainEvent('account.deleted')
  async accountDeleted({ email }: DomainEventMap['account.deleted']): Promise<void> {
    await this.mail.queue('account_deleted', email);
  }
}

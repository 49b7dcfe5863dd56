import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { monotonicId } from '../common/monotonic-id';
import type { DomainEventMap, DomainEventName } from '../events/domain-event-map';
import { OnDomainEvent } from '../events/on-domain-event.decorator';
import { AuthEventsRepository } from './auth-events.repository';

/** Facts that stay out of the stored detail: the columns' own, and addresses of deleted accounts. */
const NOT_IN_DETAIL = new Set(['userId', 'actorId', 'sessionId', 'context']);

/** What every event carries that has a column of its own. */
interface StoredEvent {
  userId: string | null;
  actorId?: string;
  sessionId?: string | null;
  context?: { ip: string | null; userAgent: string | null };
}

/** Stores each domain event in auth_events, one listener per event type. */
@Injectable()
export class AuditListener {
  constructor(
    private readonly events: AuthEventsRepository,
    private readonly clock: Clock,
  ) {}

  @OnDomainEvent('user.registered')
  userRegistered(event: DomainEventMap['user.registered']) {
    return this.store('user.registered', event);
  }

  @OnDomainEvent('login.succeeded')
  loginSucceeded(event: DomainEventMap['login.succeeded']) {
    return this.store('login.succeeded', event);
  }

  /** Kept for unknown emails too (userId null): a password-guessing run shows in the operator's queries. */
  @OnDomainEvent('login.failed')
  loginFailed(event: DomainEventMap['login.failed']) {
    return this.store('login.failed', event);
  }

  @OnDomainEvent('account.locked')
  accountLocked({ email: _email, ...event }: DomainEventMap['account.locked']) {
    return this.store('account.locked', event);
  }

  @OnDomainEvent('refresh.reused')
  refreshReused(event: DomainEventMap['refresh.reused']) {
    return this.store('refresh.reused', event);
  }

  @OnDomainEvent('session.revoked')
  sessionRevoked(event: DomainEventMap['session.revoked']) {
    return this.store('session.revoked', event);
  }

  @OnDomainEvent('logout')
  logout(event: DomainEventMap['logout']) {
    return this.store('logout', event);
  }

  @OnDomainEvent('password.changed')
  passwordChanged({ email: _email, ...event }: DomainEventMap['password.changed']) {
    return this.store('password.changed', event);
  }

  @OnDomainEvent('password.reset_requested')
  passwordResetRequested(event: DomainEventMap['password.reset_requested']) {
    return this.store('password.reset_requested', event);
  }

  @OnDomainEvent('password.reset')
  passwordReset({ email: _email, ...event }: DomainEventMap['password.reset']) {
    return this.store('password.reset', event);
  }

  @OnDomainEvent('email.verification_sent')
  emailVerificationSent(event: DomainEventMap['email.verification_sent']) {
    return this.store('email.verification_sent', event);
  }

  @OnDomainEvent('email.verified')
  emailVerified(event: DomainEventMap['email.verified']) {
    return this.store('email.verified', event);
  }

  @OnDomainEvent('email.change_requested')
  emailChangeRequested(event: DomainEventMap['email.change_requested']) {
    return this.store('email.change_requested', event);
  }

  @OnDomainEvent('email.changed')
  emailChanged(event: DomainEventMap['email.changed']) {
    return this.store('email.changed', event);
  }

  @OnDomainEvent('account.deleted')
  accountDeleted({ email: _email, ...event }: DomainEventMap['account.deleted']) {
    // The account is gone: its events keep its id only.
    return this.store('account.deleted', event);
  }

  @OnDomainEvent('mfa.enabled')
  mfaEnabled({ email: _email, ...event }: DomainEventMap['mfa.enabled']) {
    return this.store('mfa.enabled', event);
  }

  @OnDomainEvent('mfa.disabled')
  mfaDisabled({ email: _email, ...event }: DomainEventMap['mfa.disabled']) {
    return this.store('mfa.disabled', event);
  }

  @OnDomainEvent('mfa.recovery_code_used')
  recoveryCodeUsed({ email: _email, ...event }: DomainEventMap['mfa.recovery_code_used']) {
    return this.store('mfa.recovery_code_used', event);
  }

  @OnDomainEvent('mfa.recovery_codes_regenerated')
  recoveryCodesRegenerated({
    email: _email,
    ...event
  }: DomainEventMap['mfa.recovery_codes_regenerated']) {
    return this.store('mfa.recovery_codes_regenerated', event);
  }

  @OnDomainEvent('api_key.created')
  apiKeyCreated(event: DomainEventMap['api_key.created']) {
    return this.store('api_key.created', event);
  }

  @OnDomainEvent('api_key.revoked')
  apiKeyRevoked(event: DomainEventMap['api_key.revoked']) {
    return this.store('api_key.revoked', event);
  }

  @OnDomainEvent('admin.user_created')
  adminUserCreated(event: DomainEventMap['admin.user_created']) {
    return this.store('admin.user_created', event);
  }

  @OnDomainEvent('admin.user_updated')
  adminUserUpdated(event: DomainEventMap['admin.user_updated']) {
    return this.store('admin.user_updated', event);
  }

  @OnDomainEvent('admin.user_deleted')
  adminUserDeleted(event: DomainEventMap['admin.user_deleted']) {
    return this.store('admin.user_deleted', event);
  }

  @OnDomainEvent('admin.sessions_revoked')
  adminSessionsRevoked(event: DomainEventMap['admin.sessions_revoked']) {
    return this.store('admin.sessions_revoked', event);
  }

  @OnDomainEvent('admin.password_reset_sent')
  adminPasswordResetSent(event: DomainEventMap['admin.password_reset_sent']) {
    return this.store('admin.password_reset_sent', event);
  }

  @OnDomainEvent('admin.mfa_removed')
  adminMfaRemoved(event: DomainEventMap['admin.mfa_removed']) {
    return this.store('admin.mfa_removed', event);
  }

  private async store(type: DomainEventName, event: StoredEvent): Promise<void> {
    const detail = Object.fromEntries(
      Object.entries(event).filter(([key]) => !NOT_IN_DETAIL.has(key)),
    );
    const at = this.clock.now();
    await this.events.insert({
      // Time-ordered: events of the same millisecond keep their order in the pages (at, id).
      id: monotonicId(at),
      type,
      userId: event.userId,
      actorId: event.actorId ?? null,
      sessionId: event.sessionId ?? null,
      ip: event.context?.ip?.slice(0, 64) ?? null,
      userAgent: event.context?.userAgent?.slice(0, 512) ?? null,
      at,
      detail: JSON.stringify(detail),
    });
  }
}

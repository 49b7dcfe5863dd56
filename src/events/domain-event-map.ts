/** Where a request came from, as the server saw it (the client address honours TRUST_PROXY). */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

export type LoginFailureReason =
  'unknown_email' | 'wrong_password' | 'account_disabled' | 'account_locked' | 'wrong_mfa_code';

/** What every event may carry besides its own facts. */
interface Base {
  context?: RequestContext;
  /** Who acted, when it is not the user the event is about (an administrator). */
  actorId?: string;
}

/**
 * Every domain event and its payload. Payloads carry ids and facts, never a secret (no password, token or hash).
 * Events are emitted after the change they describe is stored.
 */
export interface DomainEventMap {
  'user.registered': Base & { userId: string };
  'login.succeeded': Base & { userId: string; sessionId: string };
  /** `userId` is null when no account has the email. */
  'login.failed': Base & { userId: string | null; reason: LoginFailureReason };
  /** The failures that locked the account, and until when (epoch ms). */
  'account.locked': Base & { userId: string; email: string; until: number; failures: number };
  'refresh.reused': Base & { userId: string; sessionId: string };
  /** One session (`sessionId`), or every live session of the user (`sessionId` null, `count` of them). */
  'session.revoked': Base & {
    userId: string;
    sessionId: string | null;
    reason: string;
    count: number;
  };
  logout: Base & { userId: string; sessionId: string | null; all: boolean };
  'password.changed': Base & { userId: string; email: string; sessionId: string };
  'password.reset_requested': Base & { userId: string };
  'password.reset': Base & { userId: string; email: string };
  'email.verification_sent': Base & { userId: string; purpose: 'verify_email' | 'change_email' };
  'email.verified': Base & { userId: string };
  /** The address changed from `previousEmail` (told at once) to `email` (confirmed by its link). */
  'email.change_requested': Base & { userId: string; previousEmail: string; email: string };
  'email.changed': Base & { userId: string; previousEmail: string; email: string };
  /** The deleted account's address, for the notice mail; the audit trail keeps the id only. */
  'account.deleted': Base & { userId: string; email: string };
  /** Two-factor turned on (TOTP, with new recovery codes) or off (`actorId` when an administrator removed it). */
  'mfa.enabled': Base & { userId: string; email: string };
  'mfa.disabled': Base & { userId: string; email: string };
  /** A recovery code opened a session; `remaining` unused codes are left. */
  'mfa.recovery_code_used': Base & { userId: string; email: string; remaining: number };
  'mfa.recovery_codes_regenerated': Base & { userId: string; email: string };
  'api_key.created': Base & { userId: string; apiKeyId: string; name: string; scopes: string[] };
  'api_key.revoked': Base & { userId: string; apiKeyId: string };
  /** An administrator made the account (`invited`: without a password, a link to set one was mailed). */
  'admin.user_created': Base & {
    userId: string;
    actorId: string;
    roles: string[];
    invited: boolean;
  };
  /** What an administrator changed, by field (no secret among them). */
  'admin.user_updated': Base & {
    userId: string;
    actorId: string;
    changes: {
      name?: string | null;
      roles?: string[];
      disabled?: boolean;
      emailVerified?: boolean;
    };
  };
  'admin.user_deleted': Base & { userId: string; actorId: string };
  'admin.sessions_revoked': Base & { userId: string; actorId: string; count: number };
  'admin.password_reset_sent': Base & { userId: string; actorId: string };
  'admin.mfa_removed': Base & { userId: string; actorId: string };
}

export type DomainEventName = keyof DomainEventMap;

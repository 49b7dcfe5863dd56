/** Where a request came from, as the server saw it (the client address honours TRUST_PROXY). */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

export type LoginFailureReason = 'unknown_email' | 'wrong_password' | 'account_disabled';

/**
 * Every domain event and its payload. Payloads carry ids and facts, never a secret (no password, token or hash).
 * Events are emitted after the change they describe is stored.
 */
export interface DomainEventMap {
  'user.registered': { userId: string; context?: RequestContext };
  'login.succeeded': { userId: string; sessionId: string; context?: RequestContext };
  /** `userId` is null when no account has the email. */
  'login.failed': { userId: string | null; reason: LoginFailureReason; context?: RequestContext };
  /** One session (`sessionId`), or every live session of the user (`sessionId` null, `count` of them). */
  'session.revoked': {
    userId: string;
    sessionId: string | null;
    reason: string;
    count: number;
    context?: RequestContext;
  };
  'refresh.reused': { userId: string; sessionId: string };
}

export type DomainEventName = keyof DomainEventMap;

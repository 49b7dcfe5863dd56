import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ReadThroughCache } from '../common/read-through.cache';
import { AppConfigService, type AppConfig } from '../config';
import type { RequestContext } from '../events/domain-event-map';
import { DomainEvents } from '../events/domain-events';
import { NoticeBus } from '../redis/notice.bus';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RevocationReason, Session } from './session.entity';
import {
  invalidRefreshToken,
  refreshTokenIdleExpired,
  refreshTokenReused,
  sessionMaxAgeReached,
  sessionRevoked,
} from './sessions.errors';
import { SESSIONS_REVOKED } from './sessions.notices';
import { SessionsRepository } from './sessions.repository';

/** A session and the refresh token just issued for it (shown to the client once, never stored). */
export interface IssuedRefreshToken {
  session: Session;
  refreshToken: string;
}

export const hashRefreshToken = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

/**
 * How long "this session is active" may be answered from memory on an instance that did not revoke it, unless
 * revocation notices reach this instance (REDIS_URL, Redis up): then CACHE_TTL_WITH_NOTICES_MS, since a notice
 * evicts the entry at once.
 */
export const SESSION_STATUS_TTL_MS = 1000;

/** null: the session does not exist (any more). `activeUntil`: its absolute expiry, 0 once revoked. */
type CachedSessionStatus = { userId: string; activeUntil: number } | null;

/** The session a revocation is about. */
export type SessionRef = Pick<Session, 'id' | 'userId'>;

/**
 * Sessions (token families) and their rotating refresh tokens: open on login, rotate on refresh with reuse
 * detection, revoke on logout. Also answers "is this session active?" for the access-token check.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);
  private readonly settings: AppConfig['sessions'];
  /**
   * Answers the access-token check on every request without a query; revoking code invalidates it here and, through
   * a notice, on the other instances.
   */
  private readonly statuses = new ReadThroughCache<string, CachedSessionStatus>({
    ttlMs: () => this.notices.cacheTtl(SESSION_STATUS_TTL_MS),
    maxEntries: 100_000,
    isFinal: (status) => status === null || status.activeUntil === 0,
  });

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly notices: NoticeBus,
    config: AppConfigService,
  ) {
    this.settings = config.section('sessions');
    notices.subscribe(SESSIONS_REVOKED, (notice) => {
      if ('sessionId' in notice) this.statuses.invalidate(notice.sessionId);
      else this.forgetCachedUser(notice.userId);
    });
    // Notices sent while they could not reach this instance are lost: start again from the database.
    notices.onDeliveryChange(() => this.statuses.clear());
  }

  /**
   * Opens a session with its first refresh token. Two inserts, not a transaction: TypeORM runs every SQLite
   * statement on one shared connection, where a transaction would take in other requests' statements too.
   */
  async open(
    userId: string,
    context: RequestContext,
    amr: readonly string[],
  ): Promise<IssuedRefreshToken> {
    const now = this.clock.now();
    const expiresAt = now + this.settings.maxAge * 1000;
    const first = this.newToken(randomUUID(), null, now, expiresAt);
    const session: Session = {
      id: first.row.sessionId,
      userId,
      userAgent: context.userAgent?.slice(0, 512) ?? null,
      ip: context.ip?.slice(0, 64) ?? null,
      amr: [...amr],
      createdAt: now,
      lastUsedAt: now,
      expiresAt,
      revokedAt: null,
      revokedReason: null,
      currentTokenId: first.row.id,
      previousTokenId: null,
      rotatedAt: null,
    };
    await this.sessions.insert(session);
    try {
      await this.refreshTokens.insert(first.row);
    } catch (error) {
      // No half-open session: without its token row the session could never be used; remove it (if the database
      // refuses that too, the row stays unusable and expires) and let the login fail without tokens.
      await this.sessions.delete(session.id).catch(() => undefined);
      throw error;
    }
    return { session, refreshToken: first.token };
  }

  /**
   * Exchanges the session's current refresh token for a new one. The previous token may be presented again within
   * the reuse grace (a second tab, a retried request): it gets a fresh pair and the token issued before stops
   * working. Any other token of the session is reuse: the whole session is revoked.
   */
  async rotate(presented: string): Promise<IssuedRefreshToken> {
    const now = this.clock.now();
    const token = await this.refreshTokens.findByHash(hashRefreshToken(presented));
    let session = token && (await this.sessions.findById(token.sessionId));
    if (!token || !session) throw invalidRefreshToken();
    this.assertLive(session, now);

    if (session.currentTokenId === token.id) {
      if (token.expiresAt <= now) {
        throw refreshTokenIdleExpired();
      }
      const sessionId = session.id;
      const issued = await this.successor(session, token.id, now, (nextId) =>
        this.sessions.rotate(sessionId, token.id, nextId, now),
      );
      if (issued) return { session, refreshToken: issued };
      // Another request exchanged this token (or the session ended) since we read the session: look again.
      session = await this.sessions.findById(sessionId);
      if (!session) throw invalidRefreshToken();
      this.assertLive(session, now);
    }

    if (this.withinGrace(session, token.id, now)) {
      const sessionId = session.id;
      const issued = await this.successor(session, token.id, now, (nextId) =>
        this.sessions.replaceCurrent(sessionId, token.id, nextId, now),
      );
      if (issued) return { session, refreshToken: issued };
      // The session ended meanwhile (say so), or moved on to a later token (then this one is reuse).
      const latest = await this.sessions.findById(session.id);
      if (latest) this.assertLive(latest, now);
    }

    if (await this.revoke(session, 'refresh_token_reused')) {
      this.logger.warn(
        `refresh token reuse detected: session ${session.id} of user ${session.userId} revoked`,
      );
      await this.events.emit('refresh.reused', { userId: session.userId, sessionId: session.id });
    }
    throw refreshTokenReused();
  }

  /**
   * Revokes one session; its refresh tokens stop working at once, its access tokens on this instance at once and on
   * others as soon as the notice reaches them (within SESSION_STATUS_TTL_MS without Redis). False when it was
   * already revoked (a second logout is harmless).
   */
  async revoke(
    session: SessionRef,
    reason: RevocationReason,
    context?: RequestContext,
  ): Promise<boolean> {
    const revoked = await this.sessions.revoke(session.id, reason, this.clock.now());
    this.statuses.invalidate(session.id);
    if (revoked) {
      await this.notices.publish(SESSIONS_REVOKED, { sessionId: session.id });
      await this.events.emit('session.revoked', {
        userId: session.userId,
        sessionId: session.id,
        reason,
        count: 1,
        context,
      });
    }
    return revoked;
  }

  /** Revokes every live session of a user, or every one but `except` (the caller's own, on a password change). */
  async revokeAllForUser(
    userId: string,
    reason: RevocationReason,
    context?: RequestContext,
    except?: string,
  ): Promise<number> {
    const count = await this.sessions.revokeAllForUser(userId, reason, this.clock.now(), except);
    this.forgetCachedUser(userId);
    if (count > 0) {
      await this.notices.publish(SESSIONS_REVOKED, { userId });
      await this.events.emit('session.revoked', {
        userId,
        sessionId: null,
        reason,
        count,
        context,
      });
    }
    return count;
  }

  /** Revokes one of the user's own live sessions; false for another user's, an unknown or an ended one. */
  async revokeOwn(userId: string, sessionId: string, context?: RequestContext): Promise<boolean> {
    const revoked = await this.sessions.revokeOwn(
      sessionId,
      userId,
      'session_deleted',
      this.clock.now(),
    );
    this.statuses.invalidate(sessionId);
    if (revoked) {
      await this.notices.publish(SESSIONS_REVOKED, { sessionId });
      await this.events.emit('session.revoked', {
        userId,
        sessionId,
        reason: 'session_deleted',
        count: 1,
        context,
      });
    }
    return revoked;
  }

  /** The session a refresh token (current or spent) belongs to, or null for a token this server never issued. */
  async sessionOfRefreshToken(presented: string): Promise<SessionRef | null> {
    const token = await this.refreshTokens.findByHash(hashRefreshToken(presented));
    const session = token && (await this.sessions.findById(token.sessionId));
    return session ? { id: session.id, userId: session.userId } : null;
  }

  listActive(userId: string): Promise<Session[]> {
    return this.sessions.findActive(userId, this.clock.now());
  }

  /** Forgets what the instances cached of a deleted user's sessions (their rows are gone). */
  async forgetUser(userId: string): Promise<void> {
    this.forgetCachedUser(userId);
    await this.notices.publish(SESSIONS_REVOKED, { userId });
  }

  /**
   * Deletes up to `limit` sessions that ended more than a refresh lifetime ago (their refresh tokens go with them);
   * answers how many went.
   */
  purgeEndedSessions(limit: number): Promise<number> {
    return this.sessions.deleteEnded(this.purgeBefore(), limit);
  }

  /**
   * One step of the walk through refresh tokens issued more than a refresh lifetime ago, from `after` (see
   * RefreshTokensRepository.deleteStale): those that are no session's current token can no longer matter.
   */
  purgeStaleTokens(limit: number, after = 0): Promise<{ deleted: number; next: number | null }> {
    return this.refreshTokens.deleteStale(this.purgeBefore(), limit, after);
  }

  private purgeBefore(): number {
    return this.clock.now() - this.settings.refreshTokenTtl * 1000;
  }

  /**
   * Whether the session of an access token can still be used: `active` when it exists, is not revoked, is within
   * its absolute lifetime and belongs to `userId`; `foreign` when it is another user's (a forged or confused
   * token); `ended` otherwise, an unknown or deleted session included.
   */
  async statusFor(sessionId: string, userId: string): Promise<'active' | 'ended' | 'foreign'> {
    const status = await this.statuses.get(sessionId, this.clock.now(), async () => {
      const row = await this.sessions.findStatus(sessionId);
      if (!row) return null;
      return { userId: row.userId, activeUntil: row.revokedAt === null ? row.expiresAt : 0 };
    });
    if (status === null) return 'ended';
    if (status.userId !== userId) return 'foreign';
    // The expiry is checked on every read: an entry may be served for longer than the session has left.
    return status.activeUntil > this.clock.now() ? 'active' : 'ended';
  }

  private forgetCachedUser(userId: string): void {
    this.statuses.invalidateWhere((status) => status?.userId === userId);
  }

  private assertLive(session: Session, now: number): void {
    if (session.revokedAt !== null) throw sessionRevoked();
    if (session.expiresAt <= now) throw sessionMaxAgeReached();
  }

  /**
   * Stores a successor of `parentId`, then lets `claim` (one conditional UPDATE) make it the session's current
   * token. Answers the successor's plaintext, or null when the claim lost (the stored row is then never usable).
   */
  private async successor(
    session: Session,
    parentId: string,
    now: number,
    claim: (nextId: string) => Promise<boolean>,
  ): Promise<string | null> {
    const next = this.newToken(session.id, parentId, now, session.expiresAt);
    await this.refreshTokens.insert(next.row);
    return (await claim(next.row.id)) ? next.token : null;
  }

  /** The token rotated last, presented again within REFRESH_REUSE_GRACE seconds of its rotation. */
  private withinGrace(session: Session, tokenId: string, now: number): boolean {
    return (
      this.settings.reuseGrace > 0 &&
      session.previousTokenId === tokenId &&
      session.rotatedAt !== null &&
      now - session.rotatedAt <= this.settings.reuseGrace * 1000
    );
  }

  private newToken(
    sessionId: string,
    parentId: string | null,
    now: number,
    sessionExpiresAt: number,
  ): { token: string; row: RefreshToken } {
    const token = randomBytes(32).toString('base64url');
    return {
      token,
      row: {
        id: randomUUID(),
        sessionId,
        tokenHash: hashRefreshToken(token),
        parentId,
        createdAt: now,
        expiresAt: Math.min(now + this.settings.refreshTokenTtl * 1000, sessionExpiresAt),
      },
    };
  }
}

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config';
import { Clock } from '../common/clock';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { ReadThroughCache } from '../common/read-through.cache';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RevocationReason, Session } from './session.entity';
import { SessionsRepository } from './sessions.repository';

export interface SessionMetadata {
  userAgent?: string | null;
  ip?: string | null;
}

/** A session and the refresh token just issued for it (shown to the client once, never stored). */
export interface IssuedRefreshToken {
  session: Session;
  refreshToken: string;
  expiresAt: number;
}

export const hashRefreshToken = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

/** How long "this session is active" may be answered from memory on an instance that did not revoke it. */
export const SESSION_STATUS_TTL_MS = 1000;

/** null: the session does not exist (any more). */
type SessionStatus = { userId: string; active: boolean } | null;

const unauthorized = (code: ErrorCode, message: string) =>
  new AppException(HttpStatus.UNAUTHORIZED, code, message);

/**
 * Sessions (token families) and their rotating refresh tokens: open on login, rotate on refresh with reuse
 * detection, revoke on logout. Also answers "is this session active?" for the access-token check.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);
  private readonly settings: AppConfig['sessions'];
  /** Answers the access-token check on every request without a query; revoking code invalidates it. */
  private readonly statuses = new ReadThroughCache<string, SessionStatus>({
    ttlMs: SESSION_STATUS_TTL_MS,
    maxEntries: 100_000,
    isFinal: (status) => status === null || !status.active,
  });

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly clock: Clock,
    config: ConfigService<AppConfig, true>,
  ) {
    this.settings = config.get('sessions', { infer: true });
  }

  async open(userId: string, metadata: SessionMetadata): Promise<IssuedRefreshToken> {
    const now = this.clock.now();
    const session: Session = {
      id: randomUUID(),
      userId,
      userAgent: metadata.userAgent?.slice(0, 512) ?? null,
      ip: metadata.ip?.slice(0, 64) ?? null,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + this.settings.maxAge * 1000,
      revokedAt: null,
      revokedReason: null,
    };
    await this.sessions.insert(session);
    return this.issue(session, null, now);
  }

  /**
   * Exchanges a refresh token for a new one in the same session. A consumed token is accepted again only within
   * the reuse grace and only while it is the immediate predecessor of the current token (none of its successors
   * has been consumed); otherwise it is reuse, and the whole session is revoked.
   */
  async rotate(presented: string): Promise<IssuedRefreshToken> {
    const now = this.clock.now();
    let token = await this.refreshTokens.findByHash(hashRefreshToken(presented));
    if (!token) {
      throw unauthorized(
        ErrorCode.InvalidRefreshToken,
        'the refresh token is not valid; log in again',
      );
    }
    const session = await this.sessions.findById(token.sessionId);
    if (!session) {
      throw unauthorized(
        ErrorCode.InvalidRefreshToken,
        'the refresh token is not valid; log in again',
      );
    }
    this.assertLive(session, now);

    if (token.consumedAt === null) {
      if (token.expiresAt <= now) {
        throw unauthorized(
          ErrorCode.RefreshTokenExpired,
          'the refresh token expired after a period of inactivity; log in again',
        );
      }
      if (await this.refreshTokens.consume(token.id, now))
        return this.issue(session, token.id, now);
      // Another request consumed it (or the session ended) between our read and our update: look again.
      token = (await this.refreshTokens.findById(token.id))!;
      this.assertLive((await this.sessions.findById(session.id))!, now);
      if (token.consumedAt === null) {
        throw unauthorized(
          ErrorCode.RefreshTokenExpired,
          'the refresh token expired; log in again',
        );
      }
    }

    const withinGrace = now - token.consumedAt <= this.settings.reuseGrace * 1000;
    if (
      this.settings.reuseGrace > 0 &&
      withinGrace &&
      !(await this.refreshTokens.hasConsumedSuccessor(token.id))
    ) {
      return this.issue(session, token.id, now);
    }
    if (await this.revokeSession(session.id, 'refresh_token_reused')) {
      this.logger.warn(
        `refresh token reuse detected: session ${session.id} of user ${session.userId} revoked`,
      );
    }
    throw unauthorized(
      ErrorCode.RefreshTokenReused,
      'this refresh token was already used; the session has been revoked for safety, log in again',
    );
  }

  /** Revokes one session; its refresh tokens stop working at once, its access tokens within a second. */
  async revoke(sessionId: string, reason: RevocationReason): Promise<boolean> {
    return this.revokeSession(sessionId, reason);
  }

  async revokeAllForUser(userId: string, reason: RevocationReason): Promise<number> {
    const count = await this.sessions.revokeAllForUser(userId, reason, this.clock.now());
    this.statuses.invalidateWhere((status) => status?.userId === userId);
    return count;
  }

  /** Whether the session can still be used: not revoked and within its absolute lifetime. */
  async isActive(sessionId: string): Promise<boolean> {
    const status = await this.statuses.get(sessionId, this.clock.now(), async () => {
      const row = await this.sessions.findStatus(sessionId);
      if (!row) return null;
      return {
        userId: row.userId,
        active: row.revokedAt === null && row.expiresAt > this.clock.now(),
      };
    });
    return status?.active ?? false;
  }

  private async revokeSession(sessionId: string, reason: RevocationReason): Promise<boolean> {
    const revoked = await this.sessions.revoke(sessionId, reason, this.clock.now());
    this.statuses.invalidate(sessionId);
    return revoked;
  }

  private assertLive(session: Session, now: number): void {
    if (session.revokedAt !== null) {
      throw unauthorized(ErrorCode.SessionRevoked, 'the session was revoked; log in again');
    }
    if (session.expiresAt <= now) {
      throw unauthorized(
        ErrorCode.RefreshTokenExpired,
        'the session reached its maximum age; log in again',
      );
    }
  }

  private async issue(
    session: Session,
    parentId: string | null,
    now: number,
  ): Promise<IssuedRefreshToken> {
    const refreshToken = randomBytes(32).toString('base64url');
    const token: RefreshToken = {
      id: randomUUID(),
      sessionId: session.id,
      tokenHash: hashRefreshToken(refreshToken),
      parentId,
      createdAt: now,
      expiresAt: Math.min(now + this.settings.refreshTokenTtl * 1000, session.expiresAt),
      consumedAt: null,
    };
    await this.refreshTokens.insert(token);
    if (parentId !== null) await this.sessions.touch(session.id, now);
    return { session, refreshToken, expiresAt: token.expiresAt };
  }
}

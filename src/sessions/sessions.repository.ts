import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, LessThanOrEqual, MoreThan, Not, Repository } from 'typeorm';
import { insertRow } from '../database/row-insert';
import { RevocationReason, Session } from './session.entity';

export type SessionStatus = Pick<Session, 'userId' | 'revokedAt' | 'expiresAt'>;

/** Every query on sessions. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  async insert(session: Session): Promise<void> {
    await insertRow(this.sessions.manager, Session, session);
  }

  async delete(id: string): Promise<void> {
    await this.sessions.delete({ id });
  }

  findById(id: string): Promise<Session | null> {
    return this.sessions.findOneBy({ id });
  }

  findStatus(id: string): Promise<SessionStatus | null> {
    return this.sessions.findOne({
      select: { userId: true, revokedAt: true, expiresAt: true },
      where: { id },
    });
  }

  /**
   * Exchanges the session's current token for `nextTokenId`, in one conditional statement: only while `tokenId`
   * is still current and the session live. Whatever the concurrency, one caller per token sees `true`.
   */
  async rotate(id: string, tokenId: string, nextTokenId: string, now: number): Promise<boolean> {
    const result = await this.sessions.update(
      { id, currentTokenId: tokenId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      { currentTokenId: nextTokenId, previousTokenId: tokenId, rotatedAt: now, lastUsedAt: now },
    );
    return result.affected === 1;
  }

  /**
   * Replaces the current token with `nextTokenId` for a client that presented the previous token again within the
   * grace window. The replaced token stops working: a session never has two usable refresh tokens.
   */
  async replaceCurrent(
    id: string,
    previousTokenId: string,
    nextTokenId: string,
    now: number,
  ): Promise<boolean> {
    const result = await this.sessions.update(
      { id, previousTokenId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      { currentTokenId: nextTokenId, lastUsedAt: now },
    );
    return result.affected === 1;
  }

  /** Revokes one session; false when it was already revoked (a second logout is harmless). */
  async revoke(id: string, reason: RevocationReason, now: number): Promise<boolean> {
    const result = await this.sessions.update(
      { id, revokedAt: IsNull() },
      { revokedAt: now, revokedReason: reason },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Revokes every live session of a user (but `except`, when given); returns how many were live. */
  async revokeAllForUser(
    userId: string,
    reason: RevocationReason,
    now: number,
    except?: string,
  ): Promise<number> {
    const result = await this.sessions.update(
      { userId, revokedAt: IsNull(), ...(except ? { id: Not(except) } : {}) },
      { revokedAt: now, revokedReason: reason },
    );
    return result.affected ?? 0;
  }

  /** Revokes a live session only if it is `userId`'s: false for another user's, an unknown or an ended one. */
  async revokeOwn(
    id: string,
    userId: string,
    reason: RevocationReason,
    now: number,
  ): Promise<boolean> {
    const result = await this.sessions.update(
      { id, userId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      { revokedAt: now, revokedReason: reason },
    );
    return result.affected === 1;
  }

  /** A user's live sessions, most recently used first (index ix_sessions_user_id). */
  findActive(userId: string, now: number): Promise<Session[]> {
    return this.sessions.find({
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      order: { lastUsedAt: 'DESC' },
    });
  }

  /** Deletes up to `limit` sessions that ended (revoked or past their absolute end) before `before`. */
  async deleteEnded(before: number, limit: number): Promise<number> {
    const rows = await this.sessions.find({
      select: { id: true },
      where: [{ expiresAt: LessThanOrEqual(before) }, { revokedAt: LessThanOrEqual(before) }],
      take: limit,
    });
    if (rows.length === 0) return 0;
    // Their refresh tokens go with them (ON DELETE CASCADE).
    await this.sessions.delete({ id: In(rows.map((row) => row.id)) });
    return rows.length;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { RevocationReason, Session } from './session.entity';

export type SessionStatus = Pick<Session, 'userId' | 'revokedAt' | 'expiresAt'>;

/** Every query on sessions. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  async insert(session: Session): Promise<void> {
    await this.sessions.insert(session);
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

  async touch(id: string, now: number): Promise<void> {
    await this.sessions.update({ id }, { lastUsedAt: now });
  }

  /** Revokes one session; false when it was already revoked (a second logout is harmless). */
  async revoke(id: string, reason: RevocationReason, now: number): Promise<boolean> {
    const result = await this.sessions.update(
      { id, revokedAt: IsNull() },
      { revokedAt: now, revokedReason: reason },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Revokes every live session of a user; returns how many were live. */
  async revokeAllForUser(userId: string, reason: RevocationReason, now: number): Promise<number> {
    const result = await this.sessions.update(
      { userId, revokedAt: IsNull() },
      { revokedAt: now, revokedReason: reason },
    );
    return result.affected ?? 0;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  In,
  IsNull,
  LessThanOrEqual,
  MoreThan,
  Not,
  Repository,
  type EntityManager,
} from 'typeorm';
import { OneTimeToken, type OneTimeTokenPurpose } from './one-time-token.entity';

@Injectable()
export class OneTimeTokensRepository {
  constructor(@InjectRepository(OneTimeToken) private readonly tokens: Repository<OneTimeToken>) {}

  private on(manager?: EntityManager): Repository<OneTimeToken> {
    return manager ? manager.getRepository(OneTimeToken) : this.tokens;
  }

  /** Retires the unused tokens of a user and purpose: only the newest one works. */
  async supersede(
    userId: string,
    purposes: OneTimeTokenPurpose[],
    now: number,
    manager?: EntityManager,
  ): Promise<void> {
    await this.on(manager).update(
      { userId, purpose: In(purposes), usedAt: IsNull() },
      { usedAt: now },
    );
  }

  async insert(token: OneTimeToken, manager?: EntityManager): Promise<void> {
    await this.on(manager).insert(token);
  }

  findByHash(tokenHash: string): Promise<OneTimeToken | null> {
    return this.tokens.findOneBy({ tokenHash });
  }

  /**
   * Marks the token used, in one conditional statement: only while unused and unexpired, and of one of the
   * purposes. Whatever the concurrency, one caller per token sees true.
   */
  async use(
    id: string,
    purposes: OneTimeTokenPurpose[],
    now: number,
    manager?: EntityManager,
  ): Promise<boolean> {
    const result = await this.on(manager).update(
      { id, purpose: In(purposes), usedAt: IsNull(), expiresAt: MoreThan(now) },
      { usedAt: now },
    );
    return result.affected === 1;
  }

  /** Counts a try while the token is unused, unexpired and under `max` tries: true when this try counted. */
  async attempt(id: string, max: number, now: number): Promise<boolean> {
    const result = await this.tokens
      .createQueryBuilder()
      .update(OneTimeToken)
      .set({ attempts: () => 'attempts + 1' })
      .where('id = :id AND used_at IS NULL AND expires_at > :now AND attempts < :max', {
        id,
        now,
        max,
      })
      .execute();
    return result.affected === 1;
  }

  /** Deletes up to `limit` tokens that can no longer be used (used, superseded or expired before `before`). */
  async deleteDead(before: number, limit: number): Promise<number> {
    const rows = await this.tokens.find({
      select: { id: true },
      where: [{ expiresAt: LessThanOrEqual(before) }, { usedAt: Not(IsNull()) }],
      take: limit,
    });
    if (rows.length === 0) return 0;
    await this.tokens.delete({ id: In(rows.map((row) => row.id)) });
    return rows.length;
  }
}

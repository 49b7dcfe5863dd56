import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import { RefreshToken } from './refresh-token.entity';
import { Session } from './session.entity';

/** Every query on refresh tokens. */
@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>) {}

  async insert(token: RefreshToken): Promise<void> {
    await this.tokens.insert(token);
  }

  findByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.tokens.findOneBy({ tokenHash });
  }

  findById(id: string): Promise<RefreshToken | null> {
    return this.tokens.findOneBy({ id });
  }

  /**
   * Consumes a token in one conditional statement: it succeeds only if the token is unconsumed, unexpired and its
   * session live. Whatever the concurrency, exactly one caller sees `true` for a given token.
   */
  async consume(id: string, now: number): Promise<boolean> {
    const sessions = this.tokens.manager.getRepository(Session).metadata.tableName;
    const result = await this.tokens
      .createQueryBuilder()
      .update(RefreshToken)
      .set({ consumedAt: now })
      .where('id = :id', { id })
      .andWhere('consumed_at IS NULL')
      .andWhere('expires_at > :now', { now })
      .andWhere(
        `EXISTS (SELECT 1 FROM ${sessions} s WHERE s.id = session_id AND s.revoked_at IS NULL AND s.expires_at > :now)`,
      )
      .execute();
    return result.affected === 1;
  }

  /**
   * True when a token rotated from this one has been consumed in turn: this token is then no longer the immediate
   * predecessor of the session's current token.
   */
  async hasConsumedSuccessor(id: string): Promise<boolean> {
    const successor = await this.tokens.findOne({
      select: { id: true },
      where: { parentId: id, consumedAt: Not(IsNull()) },
    });
    return successor !== null;
  }
}

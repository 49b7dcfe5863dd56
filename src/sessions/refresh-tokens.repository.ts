import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { insertRow } from '../database/row-insert';
import { RefreshToken } from './refresh-token.entity';

/** Every query on refresh tokens. */
@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>) {}

  async insert(token: RefreshToken): Promise<void> {
    await insertRow(this.tokens.manager, RefreshToken, token);
  }

  findByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.tokens.findOneBy({ tokenHash });
  }

  /**
   * One step of the walk through tokens issued before `before` (oldest first, from just after `after`): deletes,
   * of the next `limit` of them, those that are no session's current token (consumed or replaced ones whose reuse
   * can no longer matter, and successors that lost a race). Answers how many went and where the next step starts
   * (null at the end). Each step reads at most `limit` index entries, however many old tokens are still current
   * (those of sessions left idle until their absolute end): the walk passes them once, a step at a time.
   * Tokens issued in the same millisecond as a step's last one are left for the next walk.
   */
  async deleteStale(
    before: number,
    limit: number,
    after = 0,
  ): Promise<{ deleted: number; next: number | null }> {
    const rows = await this.tokens
      .createQueryBuilder('token')
      .select('token.id', 'id')
      .addSelect('token.created_at', 'createdAt')
      .where('token.created_at > :after AND token.created_at <= :before', { after, before })
      .orderBy('token.created_at')
      .limit(limit)
      .getRawMany<{ id: string; createdAt: number | string }>();
    if (rows.length === 0) return { deleted: 0, next: null };
    const result = await this.tokens
      .createQueryBuilder()
      .delete()
      .from(RefreshToken)
      .where('id IN (:...ids)', { ids: rows.map((row) => row.id) })
      .andWhere(
        'NOT EXISTS (SELECT 1 FROM sessions s WHERE s.current_token_id = refresh_tokens.id)',
      )
      .execute();
    return {
      deleted: result.affected ?? 0,
      next: rows.length < limit ? null : Number(rows[rows.length - 1].createdAt),
    };
  }
}

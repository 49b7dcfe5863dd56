import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { RefreshToken } from './refresh-token.entity';

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

  /**
   * Deletes up to `limit` tokens issued before `before` that are no session's current token: consumed or replaced
   * ones whose reuse can no longer matter (older than the refresh lifetime), and successors that lost a race.
   */
  async deleteStale(before: number, limit: number): Promise<number> {
    const rows = await this.tokens
      .createQueryBuilder('token')
      .select('token.id', 'id')
      .where('token.created_at <= :before', { before })
      .andWhere('NOT EXISTS (SELECT 1 FROM sessions s WHERE s.current_token_id = token.id)')
      .limit(limit)
      .getRawMany<{ id: string }>();
    if (rows.length === 0) return 0;
    await this.tokens.delete({ id: In(rows.map((row) => row.id)) });
    return rows.length;
  }
}

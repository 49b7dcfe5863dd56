import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { isUniqueViolation } from '../database/unique-violation';
import { ApiKey } from './api-key.entity';

/** Every query on api_keys. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  /** False when the id is taken (the primary key decides): the caller draws another. */
  async insert(key: ApiKey): Promise<boolean> {
    try {
      await this.keys.insert(key);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  findById(id: string): Promise<ApiKey | null> {
    return this.keys.findOneBy({ id });
  }

  /** A user's keys, newest first (index ix_api_keys_user_id). */
  findByUser(userId: string): Promise<ApiKey[]> {
    return this.keys.find({ where: { userId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** Deletes the key only if it is `userId`'s: false for another user's or an unknown one. */
  async deleteOwn(id: string, userId: string): Promise<boolean> {
    const result = await this.keys.delete({ id, userId });
    return result.affected === 1;
  }

  /**
   * Records a use at `now`, in one conditional statement: only when the stored time is more than `interval`
   * old, so that however many instances see the key, the row is written at most about once per interval.
   */
  async touchLastUsed(id: string, now: number, interval: number): Promise<boolean> {
    const result = await this.keys
      .createQueryBuilder()
      .update(ApiKey)
      .set({ lastUsedAt: now })
      .where('id = :id AND (last_used_at IS NULL OR last_used_at <= :cutoff)', {
        id,
        cutoff: now - interval,
      })
      .execute();
    return result.affected === 1;
  }
}

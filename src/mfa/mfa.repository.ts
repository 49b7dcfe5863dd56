import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Not, Repository, type EntityManager } from 'typeorm';
import { queryRows } from '../database/raw-query';
import { RecoveryCode } from './recovery-code.entity';
import { TotpFactor } from './totp-factor.entity';

/** Every query on the two-factor tables. */
@Injectable()
export class MfaRepository {
  constructor(
    @InjectRepository(TotpFactor) private readonly factors: Repository<TotpFactor>,
    @InjectRepository(RecoveryCode) private readonly codes: Repository<RecoveryCode>,
  ) {}

  findFactor(userId: string): Promise<TotpFactor | null> {
    return this.factors.findOneBy({ userId });
  }

  /** Read on every login: one hand-written statement (see queryRows). */
  async isEnabled(userId: string): Promise<boolean> {
    const rows = await queryRows<{ enabled: number }>(
      this.factors.manager,
      'SELECT 1 AS enabled FROM mfa_totp WHERE user_id = :userId AND enabled_at IS NOT NULL',
      { userId },
    );
    return rows.length > 0;
  }

  /** The ids among `userIds` with two-factor on. */
  async enabledAmong(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.factors.find({
      select: { userId: true },
      where: { userId: In(userIds), enabledAt: Not(IsNull()) },
    });
    return new Set(rows.map((row) => row.userId));
  }

  /** Starts (or restarts) a setup: a new secret, not enabled. Never touches an enabled factor. */
  async saveSetup(factor: TotpFactor): Promise<boolean> {
    await this.factors.delete({ userId: factor.userId, enabledAt: IsNull() });
    try {
      await this.factors.insert(factor);
      return true;
    } catch {
      // The primary key refused it: an enabled factor exists (or a parallel setup won).
      return false;
    }
  }

  /**
   * Accepts the code of `step` once: one conditional statement moves the factor's last used step forward, so a
   * code replayed (or raced) within its window is refused. `enabled` says which factor: the live one or the one
   * being set up.
   */
  async claimStep(userId: string, step: number, enabled: boolean): Promise<boolean> {
    const result = await this.factors
      .createQueryBuilder()
      .update(TotpFactor)
      .set({ lastUsedStep: step })
      .where(
        `user_id = :userId AND enabled_at IS ${enabled ? 'NOT NULL' : 'NULL'} AND (last_used_step IS NULL OR last_used_step < :step)`,
        { userId, step },
      )
      .execute();
    return result.affected === 1;
  }

  async enable(userId: string, now: number, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .getRepository(TotpFactor)
      .update({ userId, enabledAt: IsNull() }, { enabledAt: now });
    return result.affected === 1;
  }

  /** Replaces the user's recovery codes (in the caller's transaction). */
  async replaceCodes(userId: string, codes: RecoveryCode[], manager: EntityManager): Promise<void> {
    const repository = manager.getRepository(RecoveryCode);
    await repository.delete({ userId });
    await repository.insert(codes);
  }

  /** Uses a recovery code: one conditional statement, so of parallel uses exactly one succeeds. */
  async useCode(userId: string, codeHash: string, now: number): Promise<boolean> {
    const result = await this.codes.update({ userId, codeHash, usedAt: IsNull() }, { usedAt: now });
    return result.affected === 1;
  }

  countUnusedCodes(userId: string): Promise<number> {
    return this.codes.countBy({ userId, usedAt: IsNull() });
  }

  /** Removes two-factor altogether (secret and codes), in the caller's transaction. True when there was a factor. */
  async remove(userId: string, manager: EntityManager): Promise<boolean> {
    await manager.getRepository(RecoveryCode).delete({ userId });
    const result = await manager.getRepository(TotpFactor).delete({ userId });
    return (result.affected ?? 0) > 0;
  }
}

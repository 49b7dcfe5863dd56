import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThanOrEqual, Repository } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner';
import { isUniqueViolation } from '../database/unique-violation';
import { SigningKeyRow, type SigningKeyState } from './signing-key.entity';

/** Every query on signing_keys (a handful of rows: nothing here needs an index but the primary key). */
@Injectable()
export class SigningKeysRepository {
  constructor(
    @InjectRepository(SigningKeyRow) private readonly rows: Repository<SigningKeyRow>,
    private readonly transactions: TransactionRunner,
  ) {}

  /** The keys in these states, oldest first. */
  findInStates(states: SigningKeyState[]): Promise<SigningKeyRow[]> {
    return this.rows.find({
      where: { state: In(states) },
      order: { createdAt: 'ASC', kid: 'ASC' },
    });
  }

  /** Every key, newest first. */
  findAll(): Promise<SigningKeyRow[]> {
    return this.rows.find({ order: { createdAt: 'DESC', kid: 'ASC' } });
  }

  /**
   * False when another instance inserted a key of that state (one `next`, one `current`: the partial unique index
   * decides) or that same key first.
   */
  async insertUnlessTaken(row: SigningKeyRow): Promise<boolean> {
    try {
      await this.rows.insert(row);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Previous keys that stopped signing at or before `lastToken` become retired, their private part erased. */
  async retireStoppedBefore(lastToken: number, now: number): Promise<void> {
    await this.rows.update(
      { state: 'previous', deactivatedAt: LessThanOrEqual(lastToken) },
      { state: 'retired', privateKey: null, retiredAt: now },
    );
  }

  /**
   * One transaction: the current key (only `onlyIfCurrent`, when given) becomes previous, next becomes current (or
   * `replacement()` when there is no next), and `newNext()` is inserted. The first statement is the conditional
   * demotion, so that of several instances rotating at once one does it. Answers the new current kid, or undefined
   * when nothing was rotated.
   */
  rotate(
    now: number,
    onlyIfCurrent: string | undefined,
    replacement: () => SigningKeyRow,
    newNext: () => SigningKeyRow,
  ): Promise<string | undefined> {
    return this.transactions.run(async (manager) => {
      const rows = manager.getRepository(SigningKeyRow);
      const demoted = await rows.update(
        onlyIfCurrent ? { state: 'current', kid: onlyIfCurrent } : { state: 'current' },
        { state: 'previous', deactivatedAt: now },
      );
      if (!demoted.affected) return undefined;
      let promoted = await rows.findOneBy({ state: 'next' });
      if (promoted) {
        await rows.update({ kid: promoted.kid }, { state: 'current', activatedAt: now });
      } else {
        promoted = replacement();
        await rows.insert(promoted);
      }
      await rows.insert(newNext());
      return promoted.kid;
    });
  }
}

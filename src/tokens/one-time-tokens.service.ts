import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { OneTimeToken, type OneTimeTokenPurpose } from './one-time-token.entity';
import { OneTimeTokensRepository } from './one-time-tokens.repository';

export interface IssueOneTimeToken {
  userId: string;
  purpose: OneTimeTokenPurpose;
  ttlSeconds: number;
  email?: string | null;
  /** Retire the unused tokens of these purposes as well (default: this purpose). */
  supersedes?: OneTimeTokenPurpose[];
}

export type OneTimeTokenCheck =
  { status: 'valid'; token: OneTimeToken } | { status: 'expired' } | { status: 'invalid' };

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Tokens are 256 random bits, base64url: 43 characters. Anything else is not one of ours. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Single-use tokens for links in mail: 256 random bits, only their SHA-256 stored, valid for a set time, and only
 * the newest of a user and purpose works.
 */
@Injectable()
export class OneTimeTokensService {
  constructor(
    private readonly tokens: OneTimeTokensRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores a token (its hash; in the caller's transaction, when given), retiring the user's older ones of the
   * same purpose: only the newest works.
   */
  async issue(
    request: IssueOneTimeToken,
    token = OneTimeTokensService.generate(),
    manager?: EntityManager,
  ): Promise<string> {
    const now = this.clock.now();
    await this.tokens.supersede(
      request.userId,
      request.supersedes ?? [request.purpose],
      now,
      manager,
    );
    await this.tokens.insert(
      {
        id: randomUUID(),
        userId: request.userId,
        purpose: request.purpose,
        tokenHash: hash(token),
        email: request.email ?? null,
        createdAt: now,
        expiresAt: now + request.ttlSeconds * 1000,
        attempts: 0,
        usedAt: null,
      },
      manager,
    );
    return token;
  }

  /** What a presented token is, without using it. */
  async check(token: string, purposes: OneTimeTokenPurpose[]): Promise<OneTimeTokenCheck> {
    if (!TOKEN_SHAPE.test(token)) return { status: 'invalid' };
    const row = await this.tokens.findByHash(hash(token));
    if (!row || !purposes.includes(row.purpose) || row.usedAt !== null)
      return { status: 'invalid' };
    if (row.expiresAt <= this.clock.now()) return { status: 'expired' };
    return { status: 'valid', token: row };
  }

  /** Uses a valid token (in the caller's transaction, when given): true for exactly one of parallel callers. */
  use(token: OneTimeToken, manager?: EntityManager): Promise<boolean> {
    return this.tokens.use(token.id, [token.purpose], this.clock.now(), manager);
  }

  /**
   * Counts one try with a valid token that allows `max` of them: true while tries remain (one conditional
   * statement, so parallel tries cannot exceed the count).
   */
  attempt(token: OneTimeToken, max: number): Promise<boolean> {
    return this.tokens.attempt(token.id, max, this.clock.now());
  }

  /** A new token, not stored yet: `issue` stores it (its hash), once what carries it is queued. */
  static generate(): string {
    return randomBytes(32).toString('base64url');
  }

  deleteDead(before: number, limit: number): Promise<number> {
    return this.tokens.deleteDead(before, limit);
  }
}

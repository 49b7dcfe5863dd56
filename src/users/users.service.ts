import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { ReadThroughCache } from '../common/read-through.cache';
import { normalizeEmail } from './normalize-email';
import { DEFAULT_ROLES, User } from './user.entity';
import { emailTaken, userGone } from './users.errors';
import { UsersRepository } from './users.repository';

export interface NewUser {
  email: string;
  passwordHash: string;
  name?: string | null;
}

/** How long GET /users/me may answer from memory; changes made through this instance show at once. */
export const PROFILE_CACHE_TTL_MS = 1000;

@Injectable()
export class UsersService {
  private readonly profiles = new ReadThroughCache<string, User | null>({
    ttlMs: PROFILE_CACHE_TTL_MS,
    maxEntries: 50_000,
  });

  constructor(
    private readonly users: UsersRepository,
    private readonly clock: Clock,
  ) {}

  /** Stores a new account (in the caller's transaction, when given); 409 email_taken if the address is held. */
  async create({ email, passwordHash, name }: NewUser, manager?: EntityManager): Promise<User> {
    const now = this.clock.now();
    const user: User = {
      id: randomUUID(),
      email: normalizeEmail(email),
      name: name ?? null,
      passwordHash,
      roles: [...DEFAULT_ROLES],
      emailVerified: false,
      disabled: false,
      failedLogins: 0,
      lockedUntil: null,
      lockouts: 0,
      createdAt: now,
      updatedAt: now,
    };
    if ((await this.users.insert(user, manager)) === 'email_taken') throw emailTaken();
    return user;
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(normalizeEmail(email));
  }

  /**
   * The caller's own record, for reads on every request (GET /users/me): answered from memory for up to
   * PROFILE_CACHE_TTL_MS. A token whose user is gone is no longer valid.
   */
  async getProfile(id: string): Promise<User> {
    const user = await this.profiles.get(id, this.clock.now(), () => this.users.findById(id));
    if (!user) throw userGone();
    return user;
  }

  async updatePasswordHash(
    id: string,
    passwordHash: string,
    manager?: EntityManager,
  ): Promise<void> {
    await this.users.updatePasswordHash(id, passwordHash, this.clock.now(), manager);
    this.profiles.invalidate(id);
  }

  async rename(id: string, name: string | null): Promise<User> {
    if (!(await this.users.update(id, { name }, this.clock.now()))) throw userGone();
    this.profiles.invalidate(id);
    return this.getProfile(id);
  }

  async markEmailVerified(id: string, manager?: EntityManager): Promise<void> {
    await this.users.update(id, { emailVerified: true }, this.clock.now(), manager);
    this.profiles.invalidate(id);
  }

  /** The confirmed new address (verified by its link); 409 email_taken if another account took it meanwhile. */
  async changeEmail(id: string, email: string): Promise<User> {
    const outcome = await this.users.updateEmail(id, normalizeEmail(email), this.clock.now());
    if (outcome === 'email_taken') throw emailTaken();
    if (outcome === 'gone') throw userGone();
    this.profiles.invalidate(id);
    return this.getProfile(id);
  }

  /** Sets the disabled flag; revoking the user's sessions is the caller's business (admin/). */
  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    const changed = await this.users.setDisabled(id, disabled, this.clock.now());
    this.profiles.invalidate(id);
    return changed;
  }

  /** Deletes the account, and with it its sessions, refresh tokens and one-time tokens. */
  async delete(id: string): Promise<boolean> {
    const deleted = await this.users.delete(id);
    this.profiles.invalidate(id);
    return deleted;
  }

  countFailedLogin(id: string): Promise<void> {
    return this.users.countFailedLogin(id, this.clock.now());
  }

  lockIfThresholdReached(id: string, threshold: number, until: number): Promise<boolean> {
    return this.users.lockIfThresholdReached(id, threshold, until, this.clock.now());
  }

  clearLockout(id: string, manager?: EntityManager): Promise<void> {
    return this.users.clearLockout(id, manager);
  }
}

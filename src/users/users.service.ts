import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ADMIN_ROLE, DEFAULT_ROLES } from '../access/roles';
import { Clock } from '../common/clock';
import { TransactionRunner } from '../database/transaction-runner';
import { ReadThroughCache } from '../common/read-through.cache';
import { normalizeEmail } from './normalize-email';
import { User } from './user.entity';
import { emailTaken, lastAdmin, userGone } from './users.errors';
import { UsersRepository, type AdminChanges, type UserSearch } from './users.repository';

export interface NewUser {
  email: string;
  passwordHash: string;
  name?: string | null;
  roles?: readonly string[];
}

export type { AdminChanges, UserSearch };

/** An enabled account with the admin role: the ones that must never all go. */
const isActiveAdmin = (user: Pick<User, 'roles' | 'disabled'>) =>
  !user.disabled && user.roles.includes(ADMIN_ROLE);

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
    private readonly transactions: TransactionRunner,
  ) {}

  /** Stores a new account (in the caller's transaction, when given); 409 email_taken if the address is held. */
  async create(
    { email, passwordHash, name, roles = DEFAULT_ROLES }: NewUser,
    manager?: EntityManager,
  ): Promise<User> {
    const now = this.clock.now();
    const user: User = {
      id: randomUUID(),
      email: normalizeEmail(email),
      name: name ?? null,
      passwordHash,
      roles: [...roles],
      emailVerified: false,
      disabled: false,
      failedLogins: 0,
      lockedUntil: null,
      lockouts: 0,
      lastLoginAt: null,
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

  /**
   * Deletes the account, and with it its sessions, refresh tokens, API keys and one-time tokens; 409 `last_admin`
   * for the last enabled administrator. False when it was gone already.
   */
  async delete(id: string): Promise<boolean> {
    const outcome = await this.changeGuarded(id, 'delete');
    return outcome !== null;
  }

  /**
   * Applies an administrator's changes; 409 `last_admin` when they would leave no enabled administrator. Answers
   * the account before and after, or null when there is no such account.
   */
  administer(id: string, changes: AdminChanges): Promise<{ before: User; after: User } | null> {
    return this.changeGuarded(id, changes);
  }

  /**
   * One transaction, holding the administrators' lock: read the account, refuse a change that would take away the
   * last enabled administrator, apply it. Parallel demotions of the last two admins leave one.
   */
  private async changeGuarded(
    id: string,
    change: AdminChanges | 'delete',
  ): Promise<{ before: User; after: User } | null> {
    const now = this.clock.now();
    const outcome = await this.transactions.run(async (manager) => {
      await this.users.lockAdministrators(id, manager);
      const before = await this.users.findById(id, manager);
      if (!before) return null;
      const after: User = change === 'delete' ? before : { ...before, ...change, updatedAt: now };
      const removesAdmin = isActiveAdmin(before) && (change === 'delete' || !isActiveAdmin(after));
      if (removesAdmin && (await this.users.countOtherActiveAdmins(id, manager)) === 0) {
        return 'last_admin' as const;
      }
      if (change === 'delete') await this.users.delete(id, manager);
      else await this.users.applyAdminChanges(id, change, now, manager);
      return { before, after };
    });
    this.profiles.invalidate(id);
    if (outcome === 'last_admin') throw lastAdmin();
    return outcome;
  }

  search(filter: UserSearch): Promise<User[]> {
    return this.users.search(filter);
  }

  touchLastLogin(id: string): Promise<void> {
    return this.users.touchLastLogin(id, this.clock.now());
  }

  /** The time of a sign-in, if the account is still enabled with the same roles; false when it changed since. */
  touchLastLoginIfUnchanged(user: Pick<User, 'id' | 'roles'>): Promise<boolean> {
    return this.users.touchLastLoginIfUnchanged(user, this.clock.now());
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

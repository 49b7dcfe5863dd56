import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
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

  async create({ email, passwordHash, name }: NewUser): Promise<User> {
    const now = this.clock.now();
    const user: User = {
      id: randomUUID(),
      email: normalizeEmail(email),
      name: name ?? null,
      passwordHash,
      roles: [...DEFAULT_ROLES],
      emailVerified: false,
      disabled: false,
      createdAt: now,
      updatedAt: now,
    };
    if ((await this.users.insert(user)) === 'email_taken') throw emailTaken();
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

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.updatePasswordHash(id, passwordHash, this.clock.now());
    this.profiles.invalidate(id);
  }

  /** Sets the disabled flag; revoking the user's sessions is the caller's business (admin/). */
  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    const changed = await this.users.setDisabled(id, disabled, this.clock.now());
    this.profiles.invalidate(id);
    return changed;
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { queryRows } from '../database/raw-query';
import { isUniqueViolation } from '../database/unique-violation';
import { User } from './user.entity';

/** A users row as the driver returns it: booleans as 0/1 on SQLite, instants as strings on PostgreSQL. */
interface UserRow {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  roles: string;
  email_verified: boolean | number;
  disabled: boolean | number;
  failed_logins: number | string;
  locked_until: string | number | null;
  lockouts: number | string;
  created_at: string | number;
  updated_at: string | number;
}

const SELECT_USER =
  'SELECT id, email, name, password_hash, roles, email_verified, disabled, failed_logins, locked_until, lockouts, created_at, updated_at FROM users';

/** The User of a row, as the entity's columns and transformers would make it. */
const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  passwordHash: row.password_hash,
  roles: row.roles === '' ? [] : row.roles.split(','),
  emailVerified: Boolean(row.email_verified),
  disabled: Boolean(row.disabled),
  failedLogins: Number(row.failed_logins),
  lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
  lockouts: Number(row.lockouts),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

/** Every query on users. Writes that belong to a transaction take its EntityManager. */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  private on(manager?: EntityManager): Repository<User> {
    return manager ? manager.getRepository(User) : this.users;
  }

  /** Inserts the user; the unique index on email decides between parallel registrations of one address. */
  async insert(user: User, manager?: EntityManager): Promise<'created' | 'email_taken'> {
    try {
      await this.on(manager).insert(user);
      return 'created';
    } catch (error) {
      if (isUniqueViolation(error)) return 'email_taken';
      throw error;
    }
  }

  /** Read on every login and refresh: one hand-written statement (see queryRows). */
  async findById(id: string): Promise<User | null> {
    const [row] = await queryRows<UserRow>(this.users.manager, `${SELECT_USER} WHERE id = :id`, {
      id,
    });
    return row ? toUser(row) : null;
  }

  /** Read on every login: one hand-written statement (see queryRows). */
  async findByEmail(email: string): Promise<User | null> {
    const [row] = await queryRows<UserRow>(
      this.users.manager,
      `${SELECT_USER} WHERE email = :email`,
      { email },
    );
    return row ? toUser(row) : null;
  }

  async updatePasswordHash(
    id: string,
    passwordHash: string,
    now: number,
    manager?: EntityManager,
  ): Promise<void> {
    await this.on(manager).update({ id }, { passwordHash, updatedAt: now });
  }

  async update(
    id: string,
    changes: Partial<Pick<User, 'name' | 'emailVerified'>>,
    now: number,
    manager?: EntityManager,
  ): Promise<boolean> {
    const result = await this.on(manager).update({ id }, { ...changes, updatedAt: now });
    return (result.affected ?? 0) > 0;
  }

  /** Moves the account to a new address; the unique index decides if another account holds it already. */
  async updateEmail(
    id: string,
    email: string,
    now: number,
  ): Promise<'changed' | 'email_taken' | 'gone'> {
    try {
      const result = await this.users.update(
        { id },
        { email, emailVerified: true, updatedAt: now },
      );
      return result.affected ? 'changed' : 'gone';
    } catch (error) {
      if (isUniqueViolation(error)) return 'email_taken';
      throw error;
    }
  }

  async setDisabled(id: string, disabled: boolean, now: number): Promise<boolean> {
    const result = await this.users.update({ id }, { disabled, updatedAt: now });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Deletes the account; its sessions, refresh tokens and one-time tokens go with it (foreign keys with ON
   * DELETE CASCADE), in the same statement.
   */
  async delete(id: string): Promise<boolean> {
    const result = await this.users.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Counts one failed password check, unless the account is locked now (attempts while locked do not count). One
   * statement: parallel failures all count.
   */
  async countFailedLogin(id: string, now: number): Promise<void> {
    await this.users
      .createQueryBuilder()
      .update(User)
      .set({ failedLogins: () => 'failed_logins + 1' })
      .where('id = :id AND (locked_until IS NULL OR locked_until <= :now)', { id, now })
      .execute();
  }

  /**
   * Locks the account until `until` if its failures reached `threshold` and it is not locked already: one
   * conditional statement, so of parallel failures exactly one locks it. True when this call locked it.
   */
  async lockIfThresholdReached(
    id: string,
    threshold: number,
    until: number,
    now: number,
  ): Promise<boolean> {
    const result = await this.users
      .createQueryBuilder()
      .update(User)
      .set({ failedLogins: 0, lockedUntil: until, lockouts: () => 'lockouts + 1' })
      .where(
        'id = :id AND failed_logins >= :threshold AND (locked_until IS NULL OR locked_until <= :now)',
        { id, threshold, now },
      )
      .execute();
    return result.affected === 1;
  }

  /** Forgets failures and locks (a successful sign-in, a password reset). */
  async clearLockout(id: string, manager?: EntityManager): Promise<void> {
    await this.on(manager).update({ id }, { failedLogins: 0, lockedUntil: null, lockouts: 0 });
  }
}

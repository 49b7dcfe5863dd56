import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository, type EntityManager } from 'typeorm';
import { changeRows, queryRows } from '../database/raw-query';
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
  last_login_at: string | number | null;
  created_at: string | number;
  updated_at: string | number;
}

const SELECT_USER =
  'SELECT id, email, name, password_hash, roles, email_verified, disabled, failed_logins, locked_until, lockouts, last_login_at, created_at, updated_at FROM users';

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
  lastLoginAt: row.last_login_at === null ? null : Number(row.last_login_at),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

/** What an administrator may change on an account. */
export type AdminChanges = Partial<Pick<User, 'name' | 'roles' | 'disabled' | 'emailVerified'>>;

/** A filter and a position in the list of users, newest first. */
export interface UserSearch {
  /** Case-insensitive prefix of the email or the name. */
  q?: string;
  role?: string;
  disabled?: boolean;
  limit: number;
  after?: { createdAt: number; id: string };
}

/** `%`, `_` and the escape character itself, escaped for LIKE … ESCAPE '\'. */
const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

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
  async findById(id: string, manager?: EntityManager): Promise<User | null> {
    const [row] = await queryRows<UserRow>(
      manager ?? this.users.manager,
      `${SELECT_USER} WHERE id = :id`,
      { id },
    );
    return row ? toUser(row) : null;
  }

  /** A page of users, newest first, after `after`: an index range scan on (created_at, id), then the filters. */
  search({ q, role, disabled, limit, after }: UserSearch): Promise<User[]> {
    const query = this.users
      .createQueryBuilder('user')
      .orderBy('user.created_at', 'DESC')
      .addOrderBy('user.id', 'DESC')
      .take(limit);
    if (after) {
      query.andWhere(
        new Brackets((where) =>
          where
            .where('user.created_at < :createdAt', after)
            .orWhere('(user.created_at = :createdAt AND user.id < :id)', after),
        ),
      );
    }
    if (q) {
      const pattern = likePrefix(q.toLowerCase());
      query.andWhere(
        new Brackets((where) =>
          where
            .where("user.email LIKE :pattern ESCAPE '\\'", { pattern })
            .orWhere("LOWER(user.name) LIKE :pattern ESCAPE '\\'", { pattern }),
        ),
      );
    }
    if (role) query.andWhere("(',' || user.roles || ',') LIKE :role", { role: `%,${role},%` });
    if (disabled !== undefined) query.andWhere('user.disabled = :disabled', { disabled });
    return query.getMany();
  }

  /**
   * Takes the lock that changes to administrators hold for the rest of the transaction: on PostgreSQL a
   * transaction-scoped advisory lock (concurrent transactions would each count the other's admin as still there).
   * SQLite has one writer at a time: a first statement that writes takes the write lock before anything is read
   * (a transaction that reads first could not write later, once another connection has written meanwhile).
   */
  async lockAdministrators(id: string, manager: EntityManager): Promise<void> {
    if (manager.connection.options.type === 'postgres') {
      await manager.query("SELECT pg_advisory_xact_lock(hashtextextended('users:admins', 0))");
    } else {
      await queryRows(manager, 'UPDATE users SET updated_at = updated_at WHERE id = :id', { id });
    }
  }

  /** Enabled accounts holding the admin role, other than `exceptId`. */
  countOtherActiveAdmins(exceptId: string, manager: EntityManager): Promise<number> {
    return manager
      .getRepository(User)
      .createQueryBuilder('user')
      .where('user.id <> :exceptId', { exceptId })
      .andWhere('user.disabled = :disabled', { disabled: false })
      .andWhere("(',' || user.roles || ',') LIKE :role", { role: '%,admin,%' })
      .getCount();
  }

  async applyAdminChanges(
    id: string,
    changes: AdminChanges,
    now: number,
    manager: EntityManager,
  ): Promise<void> {
    await manager.getRepository(User).update({ id }, { ...changes, updatedAt: now });
  }

  /**
   * Written on every sign-in once its session is open, as one hand-written statement: the time of the sign-in,
   * provided the account is still enabled and still has the roles the sign-in read. False when it changed since
   * (disabled, deleted, other roles), and nothing is written.
   */
  async touchLastLoginIfUnchanged(
    { id, roles }: Pick<User, 'id' | 'roles'>,
    now: number,
  ): Promise<boolean> {
    const changed = await changeRows(
      this.users.manager,
      'UPDATE users SET last_login_at = :now WHERE id = :id AND NOT disabled AND roles = :roles',
      { id, now, roles: roles.join(',') },
    );
    return changed === 1;
  }

  /** The time of a sign-in, unconditionally: one hand-written statement (see queryRows). */
  async touchLastLogin(id: string, now: number): Promise<void> {
    await queryRows(this.users.manager, 'UPDATE users SET last_login_at = :now WHERE id = :id', {
      id,
      now,
    });
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
  async delete(id: string, manager?: EntityManager): Promise<boolean> {
    const result = await this.on(manager).delete({ id });
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

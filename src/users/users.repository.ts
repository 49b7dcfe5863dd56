import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
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
  created_at: string | number;
  updated_at: string | number;
}

const SELECT_USER =
  'SELECT id, email, name, password_hash, roles, email_verified, disabled, created_at, updated_at FROM users';

/** The User of a row, as the entity's columns and transformers would make it. */
const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  passwordHash: row.password_hash,
  roles: row.roles === '' ? [] : row.roles.split(','),
  emailVerified: Boolean(row.email_verified),
  disabled: Boolean(row.disabled),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

/** Every query on users. */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** Inserts the user; the unique index on email decides between parallel registrations of one address. */
  async insert(user: User): Promise<'created' | 'email_taken'> {
    try {
      await this.users.insert(user);
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

  async updatePasswordHash(id: string, passwordHash: string, now: number): Promise<void> {
    await this.users.update({ id }, { passwordHash, updatedAt: now });
  }

  async setDisabled(id: string, disabled: boolean, now: number): Promise<boolean> {
    const result = await this.users.update({ id }, { disabled, updatedAt: now });
    return (result.affected ?? 0) > 0;
  }
}

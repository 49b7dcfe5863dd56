import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { isUniqueViolation } from '../database/unique-violation';
import { User } from './user.entity';

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

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }

  async updatePasswordHash(id: string, passwordHash: string, now: number): Promise<void> {
    await this.users.update({ id }, { passwordHash, updatedAt: now });
  }

  async setDisabled(id: string, disabled: boolean, now: number): Promise<boolean> {
    const result = await this.users.update({ id }, { disabled, updatedAt: now });
    return (result.affected ?? 0) > 0;
  }
}

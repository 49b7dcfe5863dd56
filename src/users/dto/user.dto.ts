import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../user.entity';

/** What a client sees of a user: never the hash, never internal flags. */
export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'ada@example.com', description: 'Normalised: trimmed, NFKC, lower case' })
  email!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Ada Lovelace' }) name!: string | null;
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty({ type: [String], example: ['user'] }) roles!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(user: User): UserDto {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      emailVerified: user.emailVerified,
      roles: [...user.roles],
      createdAt: new Date(user.createdAt).toISOString(),
    };
  }
}

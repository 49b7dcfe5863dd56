import { ApiProperty } from '@nestjs/swagger';
import { UserDto } from '../../users/dto/user.dto';
import type { User } from '../../users/user.entity';

/** What an administrator sees of an account: the user, and the flags and times that concern administration. */
export class AdminUserDto extends UserDto {
  @ApiProperty({ description: 'Sign-in, refresh and API keys are refused while set' })
  disabled!: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Null before the first sign-in',
  })
  lastLoginAt!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'Two-factor sign-in (TOTP) is on' }) mfaEnabled!: boolean;

  static override from(user: User, mfaEnabled = false): AdminUserDto {
    return {
      ...UserDto.from(user),
      disabled: user.disabled,
      mfaEnabled,
      lastLoginAt: user.lastLoginAt === null ? null : new Date(user.lastLoginAt).toISOString(),
      updatedAt: new Date(user.updatedAt).toISOString(),
    };
  }
}

export class AdminUsersPageDto {
  @ApiProperty({ type: [AdminUserDto] }) items!: AdminUserDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as ?cursor= for the next page; null on the last page',
  })
  nextCursor!: string | null;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ROLE_PATTERN } from '../../access/roles';
import { IsVisibleText } from '../../http/text.validators';
import { CursorQuery, LimitQuery } from '../../http/page-query';

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class UsersQueryDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 100,
    description: 'Case-insensitive prefix of the email or the name',
  })
  @IsOptional()
  @MaxLength(100)
  @MinLength(1)
  @IsVisibleText()
  @IsString()
  q?: string;

  @ApiPropertyOptional({
    pattern: ROLE_PATTERN.source,
    description: 'Only accounts with this role',
  })
  @IsOptional()
  @Matches(ROLE_PATTERN, { message: 'role must be a role name (lower case, a letter first)' })
  @IsString()
  role?: string;

  @ApiPropertyOptional({
    type: 'boolean',
    description: 'Only disabled (true) or enabled (false) accounts',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'disabled must be true or false' })
  disabled?: boolean;

  @LimitQuery() limit?: number;
  @CursorQuery() cursor?: string;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { EmailProperty } from '../../http/email-property';
import { IsOptionalNotNull } from '../../http/text.validators';
import { displayText, IsDisplayText } from '../../http/text.validators';
import { normalizedEmail } from '../../users/normalize-email';
import { RolesProperty } from './roles.validators';

export class CreateUserDto {
  @EmailProperty(normalizedEmail, 'grace@example.com')
  email!: string;

  @ApiPropertyOptional({
    maxLength: 100,
    example: 'Grace Hopper',
    description: 'Trimmed and NFC-normalised; no control characters or bidi overrides',
  })
  @IsOptional()
  @Transform(displayText)
  @MaxLength(100)
  @IsDisplayText()
  @IsString()
  name?: string;

  @ApiPropertyOptional({
    description:
      'The password rules of registration apply. Without one, the address is mailed an invitation whose link (valid 7 days) sets it',
  })
  @IsOptionalNotNull()
  @IsString()
  password?: string;

  @RolesProperty(false)
  @IsOptionalNotNull()
  roles?: string[];
}

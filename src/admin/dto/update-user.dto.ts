import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { IsOptionalNotNull } from '../../http/text.validators';
import { displayText, IsDisplayText } from '../../http/text.validators';
import { RolesProperty } from './roles.validators';

/** Only the fields given change. */
export class UpdateUserDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 100,
    description: 'Trimmed and NFC-normalised; null removes it',
  })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @Transform(displayText)
  @MaxLength(100)
  @IsDisplayText()
  @IsString()
  name?: string | null;

  @RolesProperty(false)
  @IsOptionalNotNull()
  roles?: string[];

  @ApiPropertyOptional({ description: 'true revokes every session and stops the API keys' })
  @IsOptionalNotNull()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  emailVerified?: boolean;
}

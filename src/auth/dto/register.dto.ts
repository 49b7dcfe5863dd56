import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { EmailProperty } from '../../http/email-property';
import { displayText, IsDisplayText } from '../../http/text.validators';
import { normalizedEmail } from '../../users/normalize-email';

export class RegisterDto {
  @EmailProperty(normalizedEmail)
  email!: string;

  @ApiProperty({
    example: 'correct horse battery staple',
    description:
      '8 to 128 characters (after NFKC normalisation); not a common password; must not contain the email',
  })
  @IsString()
  password!: string;

  @ApiPropertyOptional({
    example: 'Ada Lovelace',
    maxLength: 100,
    description: 'Trimmed and NFC-normalised; no control characters or bidi overrides',
  })
  @IsOptional()
  @Transform(displayText)
  @MaxLength(100)
  @IsDisplayText()
  @IsString()
  name?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import { displayText, IsDisplayText, IsVisibleText } from '../../http/text.validators';
import { normalizedEmail } from '../../users/normalize-email';

export class RegisterDto {
  @ApiProperty({
    example: 'ada@example.com',
    format: 'email',
    maxLength: 254,
    description: 'Trimmed, NFKC-normalised and lower-cased before it is stored',
  })
  @Transform(normalizedEmail)
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @IsVisibleText()
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

import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { IsVisibleText } from '../../http/text.validators';
import { normalizedEmail } from '../../users/normalize-email';

export class ChangeEmailDto {
  @ApiProperty({ example: 'ada@new.example.com', format: 'email', maxLength: 254 })
  @Transform(normalizedEmail)
  @MaxLength(254)
  @IsEmail({}, { message: 'newEmail must be a valid email address' })
  @IsVisibleText()
  newEmail!: string;

  @ApiProperty({ description: 'The current password', minLength: 1, maxLength: 4096 })
  @MaxLength(4096)
  @MinLength(1)
  @IsString()
  password!: string;
}

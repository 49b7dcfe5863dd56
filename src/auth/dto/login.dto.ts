import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsVisibleText } from '../../http/text.validators';

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com', minLength: 1, maxLength: 254 })
  @MaxLength(254)
  @IsNotEmpty()
  @IsVisibleText()
  @IsString()
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 1, maxLength: 4096 })
  // UTF-16 units: room for PASSWORD_MAX_LENGTH (at most 1024) characters of up to two units each, and more.
  @MaxLength(4096)
  @IsNotEmpty()
  @IsString()
  password!: string;
}

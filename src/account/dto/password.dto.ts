import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class PasswordDto {
  @ApiProperty({ description: 'The current password', minLength: 1, maxLength: 4096 })
  @MaxLength(4096)
  @MinLength(1)
  @IsString()
  password!: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty({ minLength: 1, maxLength: 4096 })
  @MaxLength(4096)
  @MinLength(1)
  @IsString()
  currentPassword!: string;

  @ApiProperty({ description: 'The password rules of registration apply', maxLength: 4096 })
  @MaxLength(4096)
  @IsString()
  newPassword!: string;
}

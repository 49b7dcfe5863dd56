import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class ResetPasswordDto {
  @ApiProperty({
    description: 'The token from the mailed link (?token=)',
    minLength: 1,
    maxLength: 512,
  })
  @MaxLength(512)
  @MinLength(1)
  @IsString()
  token!: string;

  @ApiProperty({
    example: 'a new long passphrase',
    description: 'The password rules of registration apply (weak_password with rule otherwise)',
  })
  @MaxLength(4096)
  @IsString()
  newPassword!: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class TokenDto {
  @ApiProperty({
    description: 'The token from the mailed link (?token=)',
    minLength: 1,
    maxLength: 512,
  })
  @MaxLength(512)
  @MinLength(1)
  @IsString()
  token!: string;
}

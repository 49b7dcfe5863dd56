import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty({
    description: 'The refresh token from the last login or refresh',
    minLength: 1,
    maxLength: 4096,
  })
  @MaxLength(4096)
  @IsNotEmpty()
  @IsString()
  refreshToken!: string;
}

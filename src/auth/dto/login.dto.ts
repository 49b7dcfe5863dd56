import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @MaxLength(254)
  @IsNotEmpty()
  @IsString()
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @MaxLength(1024)
  @IsNotEmpty()
  @IsString()
  password!: string;
}

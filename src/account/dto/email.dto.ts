import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsVisibleText } from '../../http/text.validators';

/** An address to act on; an unknown one gets the same answer as a known one. */
export class EmailDto {
  @ApiProperty({ example: 'ada@example.com', minLength: 1, maxLength: 254 })
  @MaxLength(254)
  @MinLength(1)
  @IsVisibleText()
  @IsString()
  email!: string;
}

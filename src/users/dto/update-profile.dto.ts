import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, ValidateIf } from 'class-validator';
import { displayText, IsDisplayText } from '../../http/text.validators';

export class UpdateProfileDto {
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 100,
    example: 'Ada Lovelace',
    description: 'Trimmed and NFC-normalised; null removes it',
  })
  @ValidateIf((_object, value) => value !== null)
  @Transform(displayText)
  @MaxLength(100)
  @IsDisplayText()
  @IsString()
  name!: string | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  isISO8601,
  MaxLength,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { SCOPES, type Scope } from '../../access/scopes';
import { displayText, IsDisplayText } from '../../http/text.validators';

/** RFC 3339 date-time: a date, a time and a zone, nothing left for the server to guess. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** Answers carry ISO strings, which have four-digit years only before this instant. */
const YEAR_10000 = Date.UTC(10000, 0, 1);

const IsDateTimeBefore10000 = () =>
  ValidateBy({
    name: 'isDateTimeBefore10000',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        DATE_TIME.test(value) &&
        // Refuses calendar impossibilities (2030-02-30) that Date.parse would silently roll over.
        isISO8601(value, { strict: true, strictSeparator: true }) &&
        Date.parse(value) < YEAR_10000,
      defaultMessage: () =>
        'expiresAt must be an ISO 8601 date-time with a time zone before the year 10000, such as 2030-01-31T12:00:00Z',
    },
  });

export class CreateApiKeyDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 100,
    example: 'CI deploys',
    description: 'For you to tell keys apart; trimmed and NFC-normalised',
  })
  @Transform(displayText)
  @MaxLength(100)
  @MinLength(1)
  @IsDisplayText()
  @IsString()
  name!: string;

  @ApiProperty({
    enum: SCOPES,
    isArray: true,
    minItems: 1,
    maxItems: SCOPES.length,
    uniqueItems: true,
    example: ['users:read'],
    description:
      'What the key may do; admin:read, admin:write and tokens:introspect only for holders of the admin role',
  })
  @ArrayUnique({ message: 'scopes must not repeat a scope' })
  @IsIn(SCOPES, { each: true, message: `each scope must be one of: ${SCOPES.join(', ')}` })
  @IsString({ each: true })
  @ArrayMaxSize(SCOPES.length)
  @ArrayNotEmpty()
  @IsArray()
  scopes!: Scope[];

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    maxLength: 35,
    example: '2030-01-31T12:00:00Z',
    description: 'When the key stops working; in the future. Absent or null: never',
  })
  @IsOptional()
  @IsDateTimeBefore10000()
  @MaxLength(35)
  @IsString()
  expiresAt?: string | null;
}

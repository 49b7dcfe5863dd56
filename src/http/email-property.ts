import { applyDecorators } from '@nestjs/common';

// applyDecorators applies its list in order (stacked decorators apply bottom-up): the validators below are listed
// in the order they run, and the validation pipe stops at the first that fails.
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, MaxLength } from 'class-validator';
import { IsVisibleText } from './text.validators';

/**
 * An email address in a request body: visible text only, a valid address of at most 254 characters once
 * `normalize` (trim, NFKC, lower case: users/normalizeEmail) has run.
 */
export const EmailProperty = (
  normalize: (params: { value: unknown }) => unknown,
  example = 'ada@example.com',
) =>
  applyDecorators(
    ApiProperty({
      example,
      format: 'email',
      maxLength: 254,
      description: 'Trimmed, NFKC-normalised and lower-cased before it is stored',
    }),
    IsVisibleText(),
    IsEmail({}, { message: 'email must be a valid email address' }),
    MaxLength(254),
    Transform(normalize),
  );

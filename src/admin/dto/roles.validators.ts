import { applyDecorators } from '@nestjs/common';

// applyDecorators applies its list in order (stacked decorators apply bottom-up): the validators below are listed
// in the order they run, and the validation pipe stops at the first that fails.
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsString, Matches } from 'class-validator';
import { ROLE_PATTERN } from '../../access/roles';

/** A list of roles: at most 16 distinct names of the role pattern (`user` and `admin` are built in). */
export const RolesProperty = (required: boolean) =>
  applyDecorators(
    ApiProperty({
      required,
      type: [String],
      maxItems: 16,
      uniqueItems: true,
      items: { type: 'string', pattern: ROLE_PATTERN.source, maxLength: 32 },
      example: ['user', 'admin'],
      description: 'Lower case, a letter first, at most 32 characters; `admin` may use /admin',
    }),
    IsArray(),
    ArrayMaxSize(16),
    ArrayUnique({ message: 'roles must not repeat' }),
    IsString({ each: true, message: 'each role must be a string' }),
    Matches(ROLE_PATTERN, {
      each: true,
      message:
        'each role must be lower case letters, digits, _ or -, starting with a letter, at most 32 characters',
    }),
  );

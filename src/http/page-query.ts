import { applyDecorators } from '@nestjs/common';

// applyDecorators applies its list in order (stacked decorators apply bottom-up): the validators below are listed
// in the order they run, and the validation pipe stops at the first that fails.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** Query strings arrive as text: "20" becomes 20, anything else stays for @IsInt to refuse. */
const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;

/** `?limit=`: 1 to 100, 20 when absent. */
export const LimitQuery = () =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 }),
    IsInt({ message: 'limit must be a whole number from 1 to 100' }),
    Min(1),
    Max(100),
    Transform(toInteger),
    IsOptional(),
  );

/** `?cursor=`: the nextCursor of the page before. */
export const CursorQuery = () =>
  applyDecorators(
    ApiPropertyOptional({ description: 'nextCursor of the page before', maxLength: 200 }),
    IsString(),
    MaxLength(200),
    Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not one this server gave' }),
    IsOptional(),
  );

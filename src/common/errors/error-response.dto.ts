import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from './error-code';

export class FieldErrorDto {
  @ApiProperty({ example: 'email' }) field!: string;
  @ApiProperty({ type: [String], example: ['email must be a valid email address'] })
  messages!: string[];
}

/** The body of every error answer. */
export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 401 }) statusCode!: number;
  @ApiProperty({ example: 'Unauthorized', description: 'The HTTP reason phrase' }) error!: string;
  @ApiProperty({ example: 'email or password is incorrect', description: 'For people: may change' })
  message!: string;
  @ApiProperty({
    enum: ERROR_CODES,
    example: 'invalid_credentials',
    description: 'For programs: stable',
  })
  code!: ErrorCode;
  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'validation_failed: every broken rule',
  })
  errors?: FieldErrorDto[];
  @ApiPropertyOptional({
    enum: ['too_short', 'too_long', 'common', 'contains_email'],
    description: 'weak_password: the password rule that failed',
  })
  rule?: string;
  @ApiPropertyOptional({ description: 'internal_error: quote it to the operator' })
  requestId?: string;
  @ApiPropertyOptional({
    type: 'integer',
    description: 'rate_limited, service_unavailable: seconds to wait (also in Retry-After)',
  })
  retryAfter?: number;
}

import { HttpException, HttpStatus } from '@nestjs/common';
import type { ErrorCode } from './error-code';

/**
 * The exception services throw: an HTTP status, a stable code and a message a client can show. The global filter
 * turns it into `{ statusCode, error, message, code, ...details }`.
 */
export class AppException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message, status);
  }
}

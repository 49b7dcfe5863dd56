import { HttpException } from '@nestjs/common';
import { statusOf, type ErrorCode } from './error-code';

export interface AppExceptionOptions {
  /** Extra members of the error body (`rule`, `errors`, `retryAfter`...). */
  details?: Record<string, unknown>;
  /** Response headers that belong to this failure (`WWW-Authenticate`...). */
  headers?: Record<string, string>;
  /**
   * The status, when a code is answered with another than its own (only `invalid_mfa_code`: 400 where two-factor is
   * managed, 401 at the sign-in step, as the HTTP contract says).
   */
  status?: 401;
}

/**
 * The exception services throw: a stable code (which decides the HTTP status) and a message a client can show.
 * The global filter turns it into `{ statusCode, error, message, code, ...details }`. Each module builds its own
 * in its `<module>.errors.ts`.
 */
export class AppException extends HttpException {
  readonly details: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    { details = {}, headers = {}, status }: AppExceptionOptions = {},
  ) {
    super(message, status ?? statusOf(code));
    this.details = details;
    this.headers = headers;
  }
}

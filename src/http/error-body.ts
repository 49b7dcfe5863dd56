import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import { codeForStatus, type ErrorCode } from '../common/errors/error-code';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: ErrorCode;
  [detail: string]: unknown;
}

/** Clearer words than the reason phrase for failures that happen before a route runs. */
export const MESSAGE_BY_STATUS: Partial<Record<number, string>> = {
  413: 'the request body is larger than this server accepts (BODY_LIMIT)',
  415: 'send the request body as JSON with "Content-Type: application/json"',
};

export const errorBody = (
  statusCode: number,
  code: ErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): ErrorBody => ({
  statusCode,
  error: STATUS_CODES[statusCode] ?? 'Error',
  message,
  code,
  ...details,
});

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/**
 * The error body for a failure we can describe: our own AppException, or an HttpException below 500 (or a 503)
 * raised by Nest, fastify or a library. Anything else is a fault: undefined, and the caller answers a 500.
 */
export function describeError(exception: unknown): ErrorBody | undefined {
  if (exception instanceof AppException) {
    return errorBody(exception.getStatus(), exception.code, exception.message, exception.details);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status >= 500 && status !== 503) return undefined;
    return errorBody(
      status,
      codeForStatus(status),
      MESSAGE_BY_STATUS[status] ?? messageOf(exception),
    );
  }
  return undefined;
}

/** The answer to a fault: nothing of it reaches the client but the request id to report. */
export const internalErrorBody = (requestId: string): ErrorBody =>
  errorBody(500, 'internal_error', 'Internal server error; report the request id to the operator', {
    requestId,
  });

import { STATUS_CODES } from 'node:http';
import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';

/** The code a plain HttpException (thrown by Nest, fastify or a library) gets, by status. */
const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  405: ErrorCode.MethodNotAllowed,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.RateLimited,
  503: ErrorCode.ServiceUnavailable,
};

/** Clearer words than the reason phrase for failures that happen before a route runs. */
const MESSAGE_BY_STATUS: Partial<Record<number, string>> = {
  413: 'the request body is larger than this server accepts (BODY_LIMIT)',
  415: 'send the request body as JSON with "Content-Type: application/json"',
};

/** RFC 6750 section 3: a 401 from a bearer-protected resource says why in WWW-Authenticate. */
const BEARER_ERRORS: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.MissingToken]: 'Bearer realm="portcullis"',
  [ErrorCode.InvalidToken]: 'Bearer realm="portcullis", error="invalid_token"',
  [ErrorCode.TokenExpired]:
    'Bearer realm="portcullis", error="invalid_token", error_description="the access token expired"',
  [ErrorCode.SessionRevoked]:
    'Bearer realm="portcullis", error="invalid_token", error_description="the session was revoked"',
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: ErrorCode;
  [detail: string]: unknown;
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/**
 * The one place where errors become HTTP answers: `{ statusCode, error, message, code }` for every failure. An
 * unexpected error is logged with the request id and answered with a 500 that reveals nothing else.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception, request);
    const bearer = BEARER_ERRORS[body.code];
    if (body.statusCode === 401 && bearer) void reply.header('www-authenticate', bearer);
    if (typeof body.retryAfter === 'number') void reply.header('retry-after', body.retryAfter);
    void reply.header('cache-control', 'no-store').status(body.statusCode).send(body);
  }

  private toBody(exception: unknown, request: FastifyRequest): ErrorBody {
    if (exception instanceof AppException) {
      const status = exception.getStatus();
      return {
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Error',
        message: exception.message,
        code: exception.code,
        ...exception.details,
      };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      return {
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Error',
        message: MESSAGE_BY_STATUS[status] ?? messageOf(exception),
        code: CODE_BY_STATUS[status] ?? ErrorCode.BadRequest,
      };
    }
    if (exception instanceof HttpException && exception.getStatus() === 503) {
      return {
        statusCode: 503,
        error: STATUS_CODES[503]!,
        message: messageOf(exception),
        code: ErrorCode.ServiceUnavailable,
      };
    }
    const error = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error(
      `request ${request.id} ${request.method} ${request.routeOptions?.url ?? 'unknown route'} failed: ${error.stack ?? error.message}`,
    );
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: STATUS_CODES[500]!,
      message: 'Internal server error; report the request id to the operator',
      code: ErrorCode.InternalError,
      requestId: request.id,
    };
  }
}

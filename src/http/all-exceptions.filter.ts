import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppException } from '../common/errors/app.exception';
import { isStorageUnavailable } from '../database/storage-errors';
import { describeError, errorBody, internalErrorBody, type ErrorBody } from './error-body';
import { isOAuthPath, OAUTH_CLIENT_CHALLENGE, oauthErrorBody } from './oauth-protocol';
import type { RouteTable } from './route-table';

/** Seconds a client is asked to wait after a storage fault: long enough for a lock or a failover to pass. */
export const STORAGE_RETRY_AFTER_SECONDS = 2;

/**
 * The one place where errors become HTTP answers: `{ statusCode, error, message, code }` for every failure (under
 * /oauth/, the RFCs' `{ error, error_description }`). An unexpected error is logged with the request id and answered
 * with a 500 that reveals nothing else.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly routes?: RouteTable) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.bodyFor(exception, request, reply);
    const headers = exception instanceof AppException ? exception.headers : {};
    for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
    if (typeof body.retryAfter === 'number') void reply.header('retry-after', body.retryAfter);
    void reply.header('cache-control', 'no-store').status(body.statusCode);
    if (isOAuthPath(request.url)) {
      if (body.statusCode === 401 && !headers['www-authenticate']) {
        void reply.header('www-authenticate', OAUTH_CLIENT_CHALLENGE);
      }
      void reply.send(oauthErrorBody(body));
      return;
    }
    void reply.send(body);
  }

  private bodyFor(exception: unknown, request: FastifyRequest, reply: FastifyReply): ErrorBody {
    const route = `${request.method} ${request.routeOptions?.url ?? 'unknown route'}`;
    if (request.raw.readableAborted) {
      // The client went away before sending its whole request: nobody is left to answer, and it is not a fault.
      this.logger.debug(`request ${request.id} ${route} aborted by the client`);
      return errorBody(400, 'bad_request', 'the request was aborted by the client');
    }
    const described = describeError(exception);
    if (described?.statusCode === 404 && request.is404 && this.routes) {
      const allowed = this.routes.allowedMethods(request.url.split('?', 1)[0]);
      if (allowed.length > 0) {
        void reply.header('allow', allowed.join(', '));
        return errorBody(
          405,
          'method_not_allowed',
          `${request.method} is not allowed here; use ${allowed.join(', ')}`,
        );
      }
    }
    if (described) return described;
    if (isStorageUnavailable(exception)) {
      const code = (exception as { driverError?: { code?: string }; code?: string }).driverError
        ?.code;
      this.logger.warn(
        `request ${request.id} ${route}: the database is unavailable (${code ?? (exception as Error).message})`,
      );
      return errorBody(
        503,
        'service_unavailable',
        'the database is unavailable; retry in a moment',
        {
          retryAfter: STORAGE_RETRY_AFTER_SECONDS,
        },
      );
    }
    const error = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error(`request ${request.id} ${route} failed: ${error.stack ?? error.message}`);
    return internalErrorBody(request.id);
  }
}

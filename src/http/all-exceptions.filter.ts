import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppException } from '../common/errors/app.exception';
import { describeError, internalErrorBody } from './error-body';

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
    let body = describeError(exception);
    if (!body) {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(
        `request ${request.id} ${request.method} ${request.routeOptions?.url ?? 'unknown route'} failed: ${error.stack ?? error.message}`,
      );
      body = internalErrorBody(request.id);
    }
    if (exception instanceof AppException) {
      for (const [name, value] of Object.entries(exception.headers)) void reply.header(name, value);
    }
    if (typeof body.retryAfter === 'number') void reply.header('retry-after', body.retryAfter);
    void reply.header('cache-control', 'no-store').status(body.statusCode).send(body);
  }
}

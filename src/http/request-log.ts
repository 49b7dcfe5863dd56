import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AuthenticatedRequest } from '../access/access.guard';

/**
 * One line per request at info: method, route (the matched pattern, never the query string, which could carry a
 * token), status, duration and request id, and the caller's user id when known. Nothing is added to the request
 * path when LOG_LEVEL is above info.
 */
export function logRequests(fastify: FastifyInstance, logger: Logger): void {
  if (!logger.isLevelEnabled('info')) return;
  // The line is built from fixed, secret-free fields only: the redaction pass every other log line gets (a walk
  // through the object for each secret-bearing field name) would double the cost of logging a request.
  const requests = logger.child({}, { redact: [] });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? request.url.split('?', 1)[0];
    requests.info(
      {
        reqId: request.id,
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        userId: (request as Partial<AuthenticatedRequest>).principal?.userId,
      },
      'request',
    );
    done();
  });
}

import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../events/domain-event-map';

/** The client address (fastify's request.ip, which honours TRUST_PROXY) and user agent of a request. */
export const requestContext = (request: FastifyRequest): RequestContext => ({
  ip: request.ip ?? null,
  userAgent: request.headers['user-agent'] ?? null,
});

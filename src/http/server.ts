import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyServerFactory } from 'fastify';
import type { Logger } from 'pino';
import { codeForStatus } from '../common/errors/error-code';
import type { AppConfig } from '../config';
import { errorBody } from './error-body';

/** How long an idle keep-alive connection stays open, milliseconds. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** Why Node refused a request before fastify saw it, for the answer. */
const PROTOCOL_ERRORS: Record<string, { status: number; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    message: 'the request headers are larger than this server accepts (16 KiB)',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    message: 'the request was not sent in time (REQUEST_TIMEOUT); send it again',
  },
};

/** A whole HTTP/1.1 answer written on the socket itself: a JSON error body, then the connection is closed. */
export function rawErrorResponse(status: number, message: string): string {
  const body = JSON.stringify(errorBody(status, codeForStatus(status), message));
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Requests Node's HTTP parser refuses (malformed request line or headers, headers too large, a request not sent
 * within REQUEST_TIMEOUT): the same JSON error body as every other error, then the connection is closed, so the
 * client's next request starts clean on a new one.
 */
export function answerClientError(logger: Logger) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const known = PROTOCOL_ERRORS[error.code ?? ''];
    const status = known?.status ?? 400;
    const message = known?.message ?? 'the request is not valid HTTP/1.1';
    logger.debug({ reason: error.code, status }, 'refused a request at the protocol level');
    if (socket.writable) socket.end(rawErrorResponse(status, message));
    else socket.destroy();
  };
}

/**
 * The HTTP server, with limits that cut off slow or stalled clients: the whole request (headers and body) within
 * REQUEST_TIMEOUT, idle keep-alive connections after KEEP_ALIVE_TIMEOUT_MS, at most MAX_CONNECTIONS open at once.
 * An `Expect` header other than 100-continue answers 417 in the common error format.
 */
export function serverFactory(settings: AppConfig['http'], logger: Logger): FastifyServerFactory {
  const requestTimeout = settings.requestTimeout * 1000;
  return (handler) => {
    const server: Server = createServer(
      {
        requestTimeout,
        headersTimeout: requestTimeout,
        keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
        // How often Node looks for requests past their timeout (default 30 s).
        connectionsCheckingInterval: Math.min(1000, requestTimeout),
      },
      handler,
    );
    server.maxConnections = settings.maxConnections;
    server.on('checkExpectation', (request, response) => {
      logger.debug({ expect: request.headers.expect }, 'refused an unsupported Expect header');
      const body = JSON.stringify(
        errorBody(417, 'expectation_failed', 'only "Expect: 100-continue" is supported'),
      );
      response.writeHead(417, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
        connection: 'close',
      });
      response.end(body);
    });
    return server;
  };
}

/**
 * While the server shuts down, requests that arrive on connections still open answer 503 with Retry-After in the
 * common format (and Connection: close); the requests already in flight finish normally.
 */
export function refuseRequestsWhileClosing(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    void reply
      .code(503)
      .header('connection', 'close')
      .header('retry-after', 1)
      .header('cache-control', 'no-store')
      .send(
        errorBody(503, 'service_unavailable', 'the server is shutting down; retry in a moment', {
          retryAfter: 1,
        }),
      );
  });
}

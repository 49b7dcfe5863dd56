import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import type { AuthenticatedRequest } from '../access/access.guard';

/** A request's figures, the fields of its log line. */
interface RequestFigures {
  reqId: string;
  method: string;
  route: string;
  status: number;
  ms: number;
  userId?: string;
}

function figuresOf(request: FastifyRequest, reply: FastifyReply): RequestFigures {
  return {
    reqId: request.id,
    method: request.method,
    route: request.routeOptions.url ?? request.url.split('?', 1)[0],
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime * 10) / 10,
    userId: (request as Partial<AuthenticatedRequest>).principal?.userId,
  };
}

/** pino's own parts of a line: the level prefix, the time field, the bindings, the line's end, its destination. */
interface PinoParts {
  [pino.symbols.lsCacheSym]: Record<number, string>;
  [pino.symbols.timeSym]: () => string;
  [pino.symbols.chindingsSym]: string;
  [pino.symbols.endSym]: string;
  [pino.symbols.streamSym]: pino.DestinationStream & { [pino.symbols.needsMetadataGsym]?: boolean };
}

const INFO = 30;

/**
 * Writes a request's line as pino would write `logger.info(figures, 'request')`, field for field and in the same
 * order, without pino's generic pass over the object (serializers, redaction, a type switch per field): the
 * fields are fixed and free of secrets, and this runs once per request. A destination that wants pino's metadata
 * with each line (a multistream) gets the line through pino itself.
 */
export function requestLineWriter(logger: Logger): (figures: RequestFigures) => void {
  const parts = logger as unknown as PinoParts;
  const stream = parts[pino.symbols.streamSym];
  if (stream[pino.symbols.needsMetadataGsym] === true) {
    return (figures) => logger.info(figures, 'request');
  }
  const prefix = parts[pino.symbols.lsCacheSym][INFO];
  const time = parts[pino.symbols.timeSym];
  const bindings = parts[pino.symbols.chindingsSym];
  const end = `,"msg":"request"${parts[pino.symbols.endSym]}`;
  return ({ reqId, method, route, status, ms, userId }) => {
    const user = userId === undefined ? '' : `,"userId":${JSON.stringify(userId)}`;
    stream.write(
      `${prefix}${time()}${bindings},"reqId":${JSON.stringify(reqId)},"method":${JSON.stringify(method)},"route":${JSON.stringify(route)},"status":${status},"ms":${ms}${user}${end}`,
    );
  };
}

/**
 * One line per request at info: method, route (the matched pattern, never the query string, which could carry a
 * token), status, duration and request id, and the caller's user id when known. Nothing is added to the request
 * path when LOG_LEVEL is above info.
 */
export function logRequests(fastify: FastifyInstance, logger: Logger): void {
  if (!logger.isLevelEnabled('info')) return;
  const write = requestLineWriter(logger);
  fastify.addHook('onResponse', (request, reply, done) => {
    write(figuresOf(request, reply));
    done();
  });
}

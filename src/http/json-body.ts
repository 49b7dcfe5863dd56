import type { FastifyInstance } from 'fastify';
import { AppException } from '../common/errors/app.exception';
import { MESSAGE_BY_STATUS } from './error-body';
import { isOAuthPath } from './oauth-protocol';

/** Deeper bodies are refused: no request of this API nests more than a few levels. */
export const MAX_JSON_DEPTH = 32;

const NUL_MESSAGE = 'strings in the request body must not contain NUL (\\u0000) characters';

/**
 * What is wrong with a parsed JSON body, if anything: nesting deeper than MAX_JSON_DEPTH (validation and
 * transformation are recursive, a deep enough body would exhaust the stack), or a NUL character in a key or a string
 * (PostgreSQL refuses them in text). Walks with its own stack, so any depth is safe to inspect.
 */
function inspectJson(body: unknown): string | undefined {
  const pending: Array<[unknown, number]> = [[body, 0]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return NUL_MESSAGE;
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_JSON_DEPTH) {
        return `the request body is nested more than ${MAX_JSON_DEPTH} levels deep`;
      }
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return NUL_MESSAGE;
        pending.push([item, depth + 1]);
      }
    }
  }
  return undefined;
}

/**
 * Only JSON bodies are accepted (415 otherwise); an empty body counts as no body, so
 * `-H 'content-type: application/json'` with nothing is fine.
 */
export function acceptJsonOnly(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') return done(null, undefined);
    void parseJson(request, body as string, (error, value) => {
      if (error) {
        return done(
          new AppException(
            'invalid_json',
            'the request body is not valid JSON (keys named __proto__ or constructor are refused)',
          ),
          undefined,
        );
      }
      const problem = inspectJson(value);
      if (problem) return done(new AppException('validation_failed', problem), undefined);
      done(null, value);
    });
  });
}

/**
 * `application/x-www-form-urlencoded` bodies, as the OAuth RFCs send them, on the /oauth/ routes only: everywhere
 * else they get the same 415 as any other type (a form a browser posts cross-site must not reach a JSON route). A
 * parameter given twice becomes a list, which the routes refuse (RFC 6749 section 3.2).
 */
export function acceptFormOnOAuthRoutes(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (request, body, done) => {
      if (!isOAuthPath(request.url)) {
        return done(new AppException('unsupported_media_type', MESSAGE_BY_STATUS[415]!), undefined);
      }
      const form: Record<string, string | string[]> = Object.create(null) as Record<
        string,
        string | string[]
      >;
      for (const [name, value] of new URLSearchParams(body as string)) {
        const earlier = form[name];
        form[name] = earlier === undefined ? value : [earlier, value].flat();
      }
      const problem = inspectJson(form);
      if (problem) return done(new AppException('validation_failed', problem), undefined);
      done(null, form);
    },
  );
}

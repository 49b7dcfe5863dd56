import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Headers on every API answer (JSON), after OWASP's REST Security Cheat Sheet: nothing may frame, embed or sniff
 * it, browsers keep to HTTPS, and the answer is read only by its own origin. Fixed strings set in one call: no
 * header is computed per request.
 */
const API_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/**
 * Headers of an HTML page this server renders (the API docs, later the hosted pages): the API set, with a
 * Content-Security-Policy that lets the page load its own scripts, styles and images, and the headers that
 * only documents use.
 */
export const PAGE_HEADERS = {
  ...API_HEADERS,
  'content-security-policy': [
    "default-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
  ].join('; '),
  'cross-origin-opener-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'x-dns-prefetch-control': 'off',
  'x-permitted-cross-domain-policies': 'none',
};

/** Marks an answer as an HTML page: its page headers replace the API set. */
export const asPage = (reply: FastifyReply): FastifyReply =>
  reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8');

/** Answers carry tokens and personal data: nothing may store them, unless a route says otherwise. */
const DEFAULT_HEADERS = { ...API_HEADERS, 'cache-control': 'no-store' };

/**
 * Security headers and the request id on every answer, and `Cache-Control: no-store` unless a route sets its own
 * (which replaces it): all set when the request arrives, so the answer needs no hook of its own.
 */
export function addSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(DEFAULT_HEADERS).header('x-request-id', request.id);
    done();
  });
}

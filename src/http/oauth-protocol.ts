import type { ErrorBody } from './error-body';

/**
 * Routes under this prefix speak the OAuth protocols (RFC 7662 introspection, RFC 7009 revocation): they take
 * `application/x-www-form-urlencoded` bodies as well as JSON, and answer errors in the RFCs' form instead of the
 * house one.
 */
export const OAUTH_PATH_PREFIX = '/oauth/';

export const isOAuthPath = (url: string): boolean => url.startsWith(OAUTH_PATH_PREFIX);

/** RFC 6749 section 5.2 error body (the form RFC 7662 and RFC 7009 answer with). */
export interface OAuthErrorBody {
  error: string;
  error_description: string;
}

/** The RFC error code for a house error: 401 is a client that failed to authenticate, any other 4xx a bad request. */
function oauthErrorCode({ statusCode, code }: ErrorBody): string {
  if (statusCode === 401) return 'invalid_client';
  if (code === 'insufficient_scope') return 'insufficient_scope';
  if (statusCode === 403) return 'access_denied';
  if (statusCode === 429 || statusCode === 503) return 'temporarily_unavailable';
  if (statusCode >= 500) return 'server_error';
  return 'invalid_request';
}

export function oauthErrorBody(body: ErrorBody): OAuthErrorBody {
  return { error: oauthErrorCode(body), error_description: body.message };
}

/**
 * RFC 6749 section 5.2: a 401 to a client names the scheme it may authenticate with. The credential's own challenge
 * is kept when it has one (Basic for a Basic key, Bearer otherwise); a request with none gets both.
 */
export const OAUTH_CLIENT_CHALLENGE = 'Basic realm="portcullis", Bearer realm="portcullis"';

import { invalidTokenRequest } from './oauth.errors';

/** Longer than any token this server issues (an access token is under 2 KiB), short enough to refuse junk early. */
export const MAX_TOKEN_LENGTH = 8192;

export interface TokenRequest {
  token: string;
  /** A hint only (RFC 7662 section 2.1, RFC 7009 section 2.1): the server looks the token up by its own form. */
  tokenTypeHint?: string;
}

/**
 * The parameters of an introspection or revocation request, form-encoded or JSON: `token` (required) and
 * `token_type_hint`. Unknown parameters are ignored (RFC 6749 section 3.2); a parameter given twice, or not a string,
 * is an invalid request.
 */
export function readTokenRequest(body: unknown): TokenRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidTokenRequest(
      'send the parameter token, form-encoded (token=…) or as JSON ({"token": "…"})',
    );
  }
  const params = body as Record<string, unknown>;
  const token = Object.hasOwn(params, 'token') ? params.token : undefined;
  const hint = Object.hasOwn(params, 'token_type_hint') ? params.token_type_hint : undefined;
  if (token === undefined || token === '')
    throw invalidTokenRequest('the parameter token is missing');
  if (typeof token !== 'string') {
    throw invalidTokenRequest('the parameter token must be given once, as a string');
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    throw invalidTokenRequest(`the parameter token is longer than ${MAX_TOKEN_LENGTH} characters`);
  }
  if (hint !== undefined && typeof hint !== 'string') {
    throw invalidTokenRequest('the parameter token_type_hint must be given once, as a string');
  }
  return { token, tokenTypeHint: hint };
}

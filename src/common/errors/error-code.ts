/**
 * Stable, machine-readable error codes, each with the HTTP status it is always answered with. Clients branch on the
 * codes: never rename one. A code's status is looked up here once; throw sites name only the code.
 */
const ERROR_STATUS = {
  // 400
  validation_failed: 400,
  invalid_json: 400,
  bad_request: 400,
  weak_password: 400,
  invalid_current_password: 400,
  email_token_invalid: 400,
  email_token_expired: 400,
  reset_token_invalid: 400,
  reset_token_expired: 400,
  invalid_scope: 400,
  // 400 on the routes that manage two-factor; the sign-in step (POST /auth/mfa/verify) answers it with 401.
  invalid_mfa_code: 400,
  // 401
  invalid_credentials: 401,
  missing_token: 401,
  invalid_token: 401,
  token_expired: 401,
  session_revoked: 401,
  invalid_refresh_token: 401,
  refresh_token_expired: 401,
  refresh_token_reused: 401,
  mfa_token_invalid: 401,
  unauthorized: 401,
  // 403
  forbidden: 403,
  email_not_verified: 403,
  account_disabled: 403,
  insufficient_scope: 403,
  // 404, 405, 408, 409
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  email_taken: 409,
  last_admin: 409,
  mfa_already_enabled: 409,
  mfa_not_enabled: 409,
  mfa_setup_required: 409,
  // 413, 415, 417, 429, 431
  payload_too_large: 413,
  unsupported_media_type: 415,
  expectation_failed: 417,
  rate_limited: 429,
  headers_too_large: 431,
  // 5xx
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Every code, for the OpenAPI document. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export const statusOf = (code: ErrorCode): number => ERROR_STATUS[code];

/** The code an error raised outside our own code (Nest, fastify, a library) gets, by its status. */
const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  417: 'expectation_failed',
  429: 'rate_limited',
  431: 'headers_too_large',
  503: 'service_unavailable',
};

export const codeForStatus = (status: number): ErrorCode =>
  CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');

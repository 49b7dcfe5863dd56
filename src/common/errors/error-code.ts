/** Stable, machine-readable error codes. Clients branch on these; never rename one. */
export const ErrorCode = {
  ValidationFailed: 'validation_failed',
  InvalidJson: 'invalid_json',
  UnsupportedMediaType: 'unsupported_media_type',
  PayloadTooLarge: 'payload_too_large',
  BadRequest: 'bad_request',
  NotFound: 'not_found',
  MethodNotAllowed: 'method_not_allowed',
  EmailTaken: 'email_taken',
  WeakPassword: 'weak_password',
  InvalidCredentials: 'invalid_credentials',
  MissingToken: 'missing_token',
  InvalidToken: 'invalid_token',
  TokenExpired: 'token_expired',
  SessionRevoked: 'session_revoked',
  InvalidRefreshToken: 'invalid_refresh_token',
  RefreshTokenExpired: 'refresh_token_expired',
  RefreshTokenReused: 'refresh_token_reused',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  RateLimited: 'rate_limited',
  ServiceUnavailable: 'service_unavailable',
  InternalError: 'internal_error',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

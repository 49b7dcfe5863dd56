import { invalidToken } from '../access/access.errors';
import { AppException } from '../common/errors/app.exception';
import type { ApiKeyScheme } from './api-key-format';

/** RFC 7617: a 401 to a Basic credential challenges for Basic; a Bearer one keeps the RFC 6750 challenge. */
const BASIC_CHALLENGE = { 'www-authenticate': 'Basic realm="portcullis"' };

const unauthorized = (scheme: ApiKeyScheme, message: string) =>
  scheme === 'basic'
    ? new AppException('invalid_token', message, { headers: BASIC_CHALLENGE })
    : invalidToken(message);

export const malformedApiKey = (scheme: ApiKeyScheme) =>
  unauthorized(
    scheme,
    scheme === 'basic'
      ? 'the API key is malformed: send Basic base64("<id>:<secret>")'
      : 'the API key is malformed: send "Bearer pck_<id>_<secret>"',
  );

/**
 * Unknown id, wrong secret, disabled or deleted owner, or a key revoked meanwhile: one answer, so that nothing
 * tells which ids exist or whose they are.
 */
export const invalidApiKey = (scheme: ApiKeyScheme) =>
  unauthorized(scheme, 'the API key is not valid');

/** Only to a caller who presented the right secret. */
export const apiKeyExpired = (scheme: ApiKeyScheme) =>
  unauthorized(scheme, 'the API key expired; create a new one');

export const scopeNotAllowed = (scope: string) =>
  new AppException(
    'invalid_scope',
    `your roles do not allow the scope ${scope}: a key never holds more than its owner may`,
  );

export const expiryNotInFuture = () =>
  new AppException('validation_failed', 'expiresAt must be in the future', {
    details: { errors: [{ field: 'expiresAt', messages: ['expiresAt must be in the future'] }] },
  });

/** Unknown, malformed, or another user's: the same answer, so ids of others' keys cannot be probed. */
export const apiKeyNotFound = () =>
  new AppException('not_found', 'no API key of yours has this id');

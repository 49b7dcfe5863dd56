import { AppException } from '../common/errors/app.exception';

export const invalidRefreshToken = () =>
  new AppException('invalid_refresh_token', 'the refresh token is not valid; log in again');

export const refreshTokenIdleExpired = () =>
  new AppException(
    'refresh_token_expired',
    'the refresh token expired after a period of inactivity; log in again',
  );

export const sessionMaxAgeReached = () =>
  new AppException('refresh_token_expired', 'the session reached its maximum age; log in again');

export const sessionRevoked = (message = 'the session was revoked; log in again') =>
  new AppException('session_revoked', message);

export const refreshTokenReused = () =>
  new AppException(
    'refresh_token_reused',
    'this refresh token was already used; the session has been revoked for safety, log in again',
  );

/** Unknown, ended, or another user's: the same answer, so ids of others' sessions cannot be probed. */
export const sessionNotFound = () =>
  new AppException('not_found', 'no live session of yours has this id');

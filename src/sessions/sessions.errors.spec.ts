import type { AppException } from '../common/errors/app.exception';
import {
  invalidRefreshToken,
  refreshTokenIdleExpired,
  refreshTokenReused,
  sessionMaxAgeReached,
  sessionNotFound,
  sessionRevoked,
} from './sessions.errors';

/** What a client receives: the status, the code it branches on and the message it shows. */
describe('sessions errors', () => {
  // Each error is built inside its test, so that coverage (npm run test:mutation) ties the factory to the test.
  it.each<[string, () => AppException, number, string, string]>([
    [
      'an unknown refresh token',
      () => invalidRefreshToken(),
      401,
      'invalid_refresh_token',
      'the refresh token is not valid; log in again',
    ],
    [
      'an idle refresh token',
      () => refreshTokenIdleExpired(),
      401,
      'refresh_token_expired',
      'the refresh token expired after a period of inactivity; log in again',
    ],
    [
      'a session past its maximum age',
      () => sessionMaxAgeReached(),
      401,
      'refresh_token_expired',
      'the session reached its maximum age; log in again',
    ],
    [
      'a revoked session',
      () => sessionRevoked(),
      401,
      'session_revoked',
      'the session was revoked; log in again',
    ],
    [
      'a revoked session, saying why',
      () => sessionRevoked('the password was changed'),
      401,
      'session_revoked',
      'the password was changed',
    ],
    [
      'a reused refresh token',
      () => refreshTokenReused(),
      401,
      'refresh_token_reused',
      'this refresh token was already used; the session has been revoked for safety, log in again',
    ],
    [
      "an unknown or another user's session",
      () => sessionNotFound(),
      404,
      'not_found',
      'no live session of yours has this id',
    ],
  ])('%s', (_, make, status, code, message) => {
    const error = make();
    expect(error.getStatus()).toBe(status);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.headers).toEqual({});
    expect(error.details).toEqual({});
  });
});

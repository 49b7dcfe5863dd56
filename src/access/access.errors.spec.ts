import type { AppException } from '../common/errors/app.exception';
import {
  insufficientScope,
  invalidToken,
  missingCredential,
  missingRole,
  sessionEnded,
  sessionRequired,
  tokenExpired,
} from './access.errors';

const REALM = 'Bearer realm="portcullis"';

/** What a client receives: the status, the code it branches on, the message it shows and the challenge (RFC 6750). */
describe('access errors', () => {
  // Each error is built inside its test, so that coverage (npm run test:mutation) ties the factory to the test.
  it.each<[string, () => AppException, number, string, string, string | undefined]>([
    [
      'no credential',
      () => missingCredential(),
      401,
      'missing_token',
      'this route needs an access token: send it as "Authorization: Bearer <token>"',
      REALM,
    ],
    [
      'an invalid token',
      () => invalidToken(),
      401,
      'invalid_token',
      'the access token is not valid',
      `${REALM}, error="invalid_token"`,
    ],
    [
      'an invalid token, saying why',
      () => invalidToken('the token is signed by an unknown key'),
      401,
      'invalid_token',
      'the token is signed by an unknown key',
      `${REALM}, error="invalid_token"`,
    ],
    [
      'an expired token',
      () => tokenExpired(),
      401,
      'token_expired',
      'the access token expired; refresh it or log in again',
      `${REALM}, error="invalid_token", error_description="the access token expired"`,
    ],
    [
      'an ended session',
      () => sessionEnded(),
      401,
      'session_revoked',
      'the session of this access token has ended (logout or revocation); log in again',
      `${REALM}, error="invalid_token", error_description="the session was revoked"`,
    ],
    [
      'a missing role',
      () => missingRole(['admin', 'auditor']),
      403,
      'forbidden',
      'this route requires one of the roles: admin, auditor',
      undefined,
    ],
    [
      'a missing scope',
      () => insufficientScope(['users:read', 'users:write']),
      403,
      'insufficient_scope',
      'this API key lacks the scope users:read and users:write: create a key that holds it',
      `${REALM}, error="insufficient_scope", scope="users:read users:write"`,
    ],
    [
      'an API key on a route for user sessions',
      () => sessionRequired(),
      403,
      'forbidden',
      'this route needs a user session (an access token from POST /auth/login), not an API key',
      undefined,
    ],
  ])('%s', (_, make, status, code, message, challenge) => {
    const error = make();
    expect(error.getStatus()).toBe(status);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.headers).toEqual(challenge === undefined ? {} : { 'www-authenticate': challenge });
    expect(error.details).toEqual({});
  });
});

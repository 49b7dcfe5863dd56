import { AppException } from '../common/errors/app.exception';

const REALM = 'Bearer realm="portcullis"';

/** RFC 6750 section 3: a 401 from a bearer-protected resource says why in WWW-Authenticate. */
const bearerChallenge = (description?: string) => ({
  'www-authenticate': description
    ? `${REALM}, error="invalid_token", error_description="${description}"`
    : `${REALM}, error="invalid_token"`,
});

export const missingCredential = () =>
  new AppException(
    'missing_token',
    'this route needs an access token: send it as "Authorization: Bearer <token>"',
    { headers: { 'www-authenticate': REALM } },
  );

export const invalidToken = (message = 'the access token is not valid') =>
  new AppException('invalid_token', message, { headers: bearerChallenge() });

export const tokenExpired = () =>
  new AppException('token_expired', 'the access token expired; refresh it or log in again', {
    headers: bearerChallenge('the access token expired'),
  });

export const sessionEnded = () =>
  new AppException(
    'session_revoked',
    'the session of this access token has ended (logout or revocation); log in again',
    { headers: bearerChallenge('the session was revoked') },
  );

export const missingRole = (roles: string[]) =>
  new AppException('forbidden', `this route requires one of the roles: ${roles.join(', ')}`);

/** RFC 6750 section 3.1: the credential is good, but lacks the scope the route needs. */
export const insufficientScope = (scopes: readonly string[]) =>
  new AppException(
    'insufficient_scope',
    `this API key lacks the scope ${scopes.join(' and ')}: create a key that holds it`,
    {
      headers: {
        'www-authenticate': `${REALM}, error="insufficient_scope", scope="${scopes.join(' ')}"`,
      },
    },
  );

/** Routes that declare no scope (those that manage credentials among them) take user sessions only. */
export const sessionRequired = () =>
  new AppException(
    'forbidden',
    'this route needs a user session (an access token from POST /auth/login), not an API key',
  );

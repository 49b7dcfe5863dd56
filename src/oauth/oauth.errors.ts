import { AppException } from '../common/errors/app.exception';

/** A request to /oauth/* without a usable `token` parameter: `invalid_request` in the RFCs' error form. */
export const invalidTokenRequest = (message: string) =>
  new AppException('validation_failed', message);

/**
 * Introspection is for resource servers holding an API key with `tokens:introspect`; a user's access token is not
 * a client credential: `invalid_client`.
 */
export const introspectionNeedsApiKey = () =>
  new AppException(
    'unauthorized',
    'introspection needs an API key with the scope tokens:introspect (Authorization: Bearer pck_… or Basic <id>:<secret>)',
  );

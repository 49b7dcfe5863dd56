import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiResponse } from '@nestjs/swagger';
import { OAuthErrorDto } from './dto/oauth-error.dto';
import { MAX_TOKEN_LENGTH } from './token-request';

const TOKEN_REQUEST_SCHEMA = {
  type: 'object' as const,
  required: ['token'],
  properties: {
    token: { type: 'string', minLength: 1, maxLength: MAX_TOKEN_LENGTH },
    token_type_hint: {
      type: 'string',
      description:
        'access_token, refresh_token or api_key: a hint only, the token is recognised by its form',
    },
  },
  // RFC 6749 section 3.2: unknown parameters are ignored.
  additionalProperties: true,
};

/** Errors of /oauth/* in the RFCs' form; `more` adds the route's own statuses (401, 403). */
export const ApiOAuthErrors = (more: Record<number, string> = {}) =>
  applyDecorators(
    ...Object.entries({
      400: 'invalid_request: token missing, given twice or too long; a malformed body',
      413: 'invalid_request: a body over BODY_LIMIT',
      415: 'invalid_request: send application/x-www-form-urlencoded or application/json',
      429: 'temporarily_unavailable: the global rate limit (see Retry-After)',
      503: 'temporarily_unavailable: the database is unavailable (see Retry-After)',
      ...more,
    }).map(([status, description]) =>
      ApiResponse({ status: Number(status), type: OAuthErrorDto, description }),
    ),
  );

/** `token` and `token_type_hint`, form-encoded as the RFCs send them, or as JSON. */
export const ApiTokenRequestBody = () =>
  applyDecorators(
    ApiConsumes('application/x-www-form-urlencoded', 'application/json'),
    ApiBody({ schema: TOKEN_REQUEST_SCHEMA }),
  );

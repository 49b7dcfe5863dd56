import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/errors/error-response.dto';

export const BEARER_SCHEME = 'bearer';
export const AUTHENTICATED_KEY = 'portcullis:authenticated';

export interface AuthenticatedOptions {
  /** The caller must hold at least one of these roles (403 `forbidden` otherwise). */
  roles?: string[];
}

/**
 * Protects and documents a route (or a controller) in one place: the roles the guards check, and the security
 * scheme and error answers of the OpenAPI document. Authentication itself needs no decorator: the global
 * AccessGuard refuses every route that is not `@Public()`. A method's options replace its controller's.
 */
export const Authenticated = (options: AuthenticatedOptions = {}) =>
  applyDecorators(
    SetMetadata(AUTHENTICATED_KEY, options),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'missing_token, invalid_token, token_expired or session_revoked',
    }),
    ...(options.roles?.length
      ? [
          ApiForbiddenResponse({
            type: ErrorResponseDto,
            description: `forbidden: needs one of the roles ${options.roles.join(', ')}`,
          }),
        ]
      : []),
  );

import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../dto/error-response.dto';

export const BEARER_SCHEME = 'bearer';

/**
 * Documents a route (or controller) as requiring an access token. The global JwtAuthGuard enforces it whatever
 * the documentation says: this decorator only describes it.
 */
export const ApiAuthenticated = () =>
  applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'missing_token, invalid_token, token_expired or session_revoked',
    }),
  );

import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/errors/error-response.dto';

/** Documents error answers of a route: status → the codes it carries, all with the common error body. */
export const ApiErrors = (errors: Record<number, string>) =>
  applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({ status: Number(status), type: ErrorResponseDto, description }),
    ),
  );

/**
 * A JSON request body of `type` (unknown fields refused), and the answers every such body can get: 400 (malformed
 * or invalid, plus `more400` for the route's own), 413 beyond BODY_LIMIT, 415 for anything but JSON.
 */
export const ApiJsonBody = (type: Type<unknown>, more400 = '') =>
  applyDecorators(
    ApiBody({ type }),
    ApiErrors({
      400: `validation_failed (with errors), invalid_json${more400 ? `, ${more400}` : ''}`,
      413: 'payload_too_large (BODY_LIMIT)',
      415: 'unsupported_media_type: send application/json',
    }),
  );

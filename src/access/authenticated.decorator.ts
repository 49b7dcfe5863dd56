import { applyDecorators, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/errors/error-response.dto';
import type { Scope } from './scopes';

export const BEARER_SCHEME = 'bearer';
/** API keys as `Authorization: Bearer pck_…`. */
export const API_KEY_SCHEME = 'apiKey';
/** API keys as HTTP Basic (`<id>:<secret>`). */
export const API_KEY_BASIC_SCHEME = 'apiKeyBasic';
export const AUTHENTICATED_KEY = 'portcullis:authenticated';

export interface AuthenticatedOptions {
  /** The caller must hold at least one of these roles (403 `forbidden` otherwise). */
  roles?: string[];
  /**
   * An API key must hold every one of these scopes (403 `insufficient_scope` otherwise). A route that lists none
   * takes user sessions only: API keys get 403 `forbidden` there.
   */
  scopes?: Scope[];
  /**
   * Any valid API key may call, whatever its scopes (gateway forward-auth: the route only says who the caller is,
   * and the gateway decides).
   */
  anyApiKey?: boolean;
}

/**
 * Protects and documents a route (or a controller) in one place: the roles and scopes the guards check, and the
 * security schemes and error answers of the OpenAPI document. Authentication itself needs no decorator: the global
 * AccessGuard refuses every route that is not `@Public()`. A method's options replace its controller's.
 */
export const Authenticated = (options: AuthenticatedOptions = {}) => {
  const scopes = options.scopes ?? [];
  const forbidden = [
    options.roles?.length ? `forbidden: needs one of the roles ${options.roles.join(', ')}` : '',
    scopes.length ? `insufficient_scope: an API key without ${scopes.join(' and ')}` : '',
    scopes.length || options.anyApiKey
      ? ''
      : 'forbidden: an API key (this route takes user sessions only)',
  ].filter(Boolean);
  const takesApiKeys = scopes.length > 0 || options.anyApiKey === true;
  return applyDecorators(
    SetMetadata(AUTHENTICATED_KEY, options),
    ApiBearerAuth(BEARER_SCHEME),
    ...(takesApiKeys
      ? [ApiSecurity(API_KEY_SCHEME, scopes), ApiSecurity(API_KEY_BASIC_SCHEME, scopes)]
      : []),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'missing_token, invalid_token, token_expired or session_revoked',
    }),
    ...(forbidden.length
      ? [ApiForbiddenResponse({ type: ErrorResponseDto, description: forbidden.join('; ') })]
      : []),
  );
};

/** The `@Authenticated` options of each route handler (handler first, then controller), read once per handler. */
export class AuthenticatedOptionsReader {
  private readonly byHandler = new WeakMap<object, AuthenticatedOptions>();

  constructor(private readonly reflector: Reflector) {}

  read(context: ExecutionContext): AuthenticatedOptions {
    const handler = context.getHandler();
    let options = this.byHandler.get(handler);
    if (!options) {
      options =
        this.reflector.getAllAndOverride<AuthenticatedOptions | undefined>(AUTHENTICATED_KEY, [
          handler,
          context.getClass(),
        ]) ?? {};
      this.byHandler.set(handler, options);
    }
    return options;
  }
}

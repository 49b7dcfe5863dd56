import { ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { TokenExpiredError } from 'jsonwebtoken';
import { IS_PUBLIC_KEY } from '../common/decorators/public.decorator';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import type { Principal } from '../common/principal';
import { extractBearerToken } from './bearer-token';
import { PrincipalService } from './principal.service';
import { VerifiedTokenCache } from './verified-token.cache';

const unauthorized = (code: ErrorCode, message: string) =>
  new AppException(HttpStatus.UNAUTHORIZED, code, message);

/**
 * Global guard: every route needs a valid access token unless it is marked `@Public()` (handler first, then
 * controller). A token this instance verified before skips the signature check; the session check always runs.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly verified: VerifiedTokenCache,
    private readonly principals: PrincipalService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const token = extractBearerToken(request);
    if (!token) {
      throw unauthorized(
        ErrorCode.MissingToken,
        'this route needs an access token: send it as "Authorization: Bearer <token>"',
      );
    }
    const claims = this.verified.get(token);
    if (claims) {
      request.user = await this.principals.fromAccessToken(claims);
      return true;
    }
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<TUser = Principal>(
    error: unknown,
    user: TUser | false,
    info: unknown,
  ): TUser {
    if (error) throw error as Error;
    if (user) return user;
    if (info instanceof AppException) throw info;
    if (info instanceof TokenExpiredError) {
      throw unauthorized(
        ErrorCode.TokenExpired,
        'the access token expired; refresh it or log in again',
      );
    }
    throw unauthorized(ErrorCode.InvalidToken, 'the access token is not valid');
  }
}

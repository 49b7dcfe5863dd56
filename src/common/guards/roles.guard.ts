import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROLES_KEY } from '../decorators/roles.decorator';
import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';
import type { Principal } from '../principal';

/** Global, after JwtAuthGuard: checks `@Roles(...)`, the handler's list first, then the controller's. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required || required.length === 0) return true;
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (principal && required.some((role) => principal.roles.includes(role))) return true;
    throw new AppException(
      HttpStatus.FORBIDDEN,
      ErrorCode.Forbidden,
      `this route requires one of the roles: ${required.join(', ')}`,
    );
  }
}

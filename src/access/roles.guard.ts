import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { missingRole } from './access.errors';
import type { AuthenticatedRequest } from './access.guard';
import { AUTHENTICATED_KEY, type AuthenticatedOptions } from './authenticated.decorator';

/** Global, after the AccessGuard: checks `@Authenticated({ roles })`, the handler's options first, then the controller's. */
@Injectable()
export class RolesGuard implements CanActivate {
  /** The roles each route handler requires, read from its metadata once. */
  private readonly requiredRoles = new WeakMap<object, string[]>();

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.rolesFor(context);
    if (required.length === 0) return true;
    const principal = context.switchToHttp().getRequest<Partial<AuthenticatedRequest>>().principal;
    if (principal && required.some((role) => principal.roles.includes(role))) return true;
    throw missingRole(required);
  }

  private rolesFor(context: ExecutionContext): string[] {
    const handler = context.getHandler();
    let roles = this.requiredRoles.get(handler);
    if (!roles) {
      roles =
        this.reflector.getAllAndOverride<AuthenticatedOptions | undefined>(AUTHENTICATED_KEY, [
          handler,
          context.getClass(),
        ])?.roles ?? [];
      this.requiredRoles.set(handler, roles);
    }
    return roles;
  }
}

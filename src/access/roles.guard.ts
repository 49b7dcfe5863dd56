import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { missingRole } from './access.errors';
import type { AuthenticatedRequest } from './access.guard';
import { AuthenticatedOptionsReader } from './authenticated.decorator';

/** Global, after the AccessGuard: checks `@Authenticated({ roles })`, the handler's options first, then the controller's. */
@Injectable()
export class RolesGuard implements CanActivate {
  private readonly options: AuthenticatedOptionsReader;

  constructor(reflector: Reflector) {
    this.options = new AuthenticatedOptionsReader(reflector);
  }

  canActivate(context: ExecutionContext): boolean {
    const required = this.options.read(context).roles ?? [];
    if (required.length === 0) return true;
    const principal = context.switchToHttp().getRequest<Partial<AuthenticatedRequest>>().principal;
    if (principal && required.some((role) => principal.roles.includes(role))) return true;
    throw missingRole(required);
  }
}

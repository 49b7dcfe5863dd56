import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { insufficientScope, sessionRequired } from './access.errors';
import type { AuthenticatedRequest } from './access.guard';
import { AuthenticatedOptionsReader } from './authenticated.decorator';

/**
 * Global, after the RolesGuard: API keys only reach routes that declare scopes in `@Authenticated({ scopes })`, and
 * only with every one of them (or routes that take any key: `anyApiKey`). User sessions pass (they hold every scope their roles allow); public routes have
 * no principal and pass too.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  private readonly options: AuthenticatedOptionsReader;

  constructor(reflector: Reflector) {
    this.options = new AuthenticatedOptionsReader(reflector);
  }

  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<Partial<AuthenticatedRequest>>().principal;
    if (principal?.kind !== 'api_key') return true;
    const options = this.options.read(context);
    if (options.anyApiKey) return true;
    const required = options.scopes ?? [];
    if (required.length === 0) throw sessionRequired();
    if (required.every((scope) => principal.scopes.includes(scope))) return true;
    throw insufficientScope(required);
  }
}

import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { missingCredential } from './access.errors';
import { CREDENTIAL_RESOLVERS, type CredentialResolver } from './credential-resolver';
import type { Principal } from './principal';
import { IS_PUBLIC_KEY } from './public.decorator';

export type AuthenticatedRequest = FastifyRequest & { principal: Principal };

/**
 * Global guard, deny by default: every route needs a credential unless it is marked `@Public()` (handler first,
 * then controller). The first resolver that recognises the request's credential decides who the caller is; the
 * guard knows no credential kind itself.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  /** Whether each route handler is public, read from its metadata once. */
  private readonly publicRoutes = new WeakMap<object, boolean>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(CREDENTIAL_RESOLVERS) private readonly resolvers: CredentialResolver[],
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const resolver = this.resolvers.find((candidate) => candidate.canResolve(request));
    if (!resolver) throw missingCredential();
    request.principal = await resolver.resolve(request);
    return true;
  }

  private isPublic(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let isPublic = this.publicRoutes.get(handler);
    if (isPublic === undefined) {
      isPublic =
        this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
          handler,
          context.getClass(),
        ]) === true;
      this.publicRoutes.set(handler, isPublic);
    }
    return isPublic;
  }
}

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
  constructor(
    private readonly reflector: Reflector,
    @Inject(CREDENTIAL_RESOLVERS) private readonly resolvers: CredentialResolver[],
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const resolver = this.resolvers.find((candidate) => candidate.canResolve(request));
    if (!resolver) throw missingCredential();
    request.principal = await resolver.resolve(request);
    return true;
  }
}

import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal';

/**
 * One kind of credential. The AccessGuard asks the resolvers in order; the first whose `canResolve` is true decides:
 * it answers the caller, or throws the 401 that says what is wrong with the credential. A new kind of credential
 * is one class implementing this, registered in the app module's CREDENTIAL_RESOLVERS list.
 */
export interface CredentialResolver {
  /** Cheap and synchronous: does the request carry this kind of credential at all? */
  canResolve(request: FastifyRequest): boolean;
  resolve(request: FastifyRequest): Promise<Principal>;
}

/** Injection token of the ordered list of CredentialResolvers the AccessGuard asks. */
export const CREDENTIAL_RESOLVERS = Symbol('CREDENTIAL_RESOLVERS');

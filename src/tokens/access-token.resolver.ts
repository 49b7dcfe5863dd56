import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { invalidToken, sessionEnded } from '../access/access.errors';
import { extractBearerToken, hasBearerScheme } from '../access/bearer-token';
import type { CredentialResolver } from '../access/credential-resolver';
import type { Principal } from '../access/principal';
import { scopesAllowedFor } from '../access/scopes';
import { SessionsService } from '../sessions/sessions.service';
import { AccessTokenService } from './access-token.service';
import { VerifiedTokenCache } from './verified-token.cache';

/**
 * `Authorization: Bearer <access token>`: a token this instance verified before skips the signature check; the
 * session check always runs (the session must be live and the token's subject's own), so a revoked session's
 * tokens stop at once on this instance.
 */
@Injectable()
export class AccessTokenResolver implements CredentialResolver {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly verified: VerifiedTokenCache,
    private readonly sessions: SessionsService,
  ) {}

  canResolve(request: FastifyRequest): boolean {
    return hasBearerScheme(request);
  }

  async resolve(request: FastifyRequest): Promise<Principal> {
    // The whole header is the key: a client's requests after its first skip parsing it as well.
    const header = request.headers.authorization ?? '';
    let claims = this.verified.get(header);
    if (!claims) {
      const token = extractBearerToken(request);
      if (!token) throw invalidToken('the bearer token is malformed');
      claims = this.tokens.verify(token);
      this.verified.remember(header, claims);
    }
    const session = await this.sessions.statusFor(claims.sid, claims.sub);
    if (session === 'foreign')
      throw invalidToken('the session of this token belongs to another user');
    if (session === 'ended') throw sessionEnded();
    return {
      kind: 'user',
      userId: claims.sub,
      sessionId: claims.sid,
      roles: claims.roles,
      scopes: scopesAllowedFor(claims.roles),
    };
  }
}

import { Injectable } from '@nestjs/common';
import { ApiKeyResolver } from '../api-keys/api-key.resolver';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AppException } from '../common/errors/app.exception';
import type { RequestContext } from '../events/domain-event-map';
import { SessionsService } from '../sessions/sessions.service';
import { AccessTokenService, type AccessTokenClaims } from '../tokens/access-token.service';
import type { IntrospectionDto } from './dto/introspection.dto';

const INACTIVE: IntrospectionDto = { active: false };

/** `pck_<id>_<secret>`: an API key; three dot-separated parts: a JWT; anything else: a refresh token or junk. */
const kindOf = (token: string): 'api_key' | 'jwt' | 'opaque' =>
  token.startsWith('pck_') ? 'api_key' : token.split('.').length === 3 ? 'jwt' : 'opaque';

/** What this server says about a token a failed check means: not active, never why (RFC 7662 section 2.2). */
async function unlessRefused<T>(check: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await check();
  } catch (error) {
    // A 4xx is the token's own fault (bad signature, expired, revoked, unknown key); anything else goes on up.
    if (error instanceof AppException && error.getStatus() < 500) return undefined;
    throw error;
  }
}

/**
 * Tokens presented by other services: introspection (RFC 7662) answers whether a credential is live and whose it is;
 * revocation (RFC 7009) ends what a token stands for. The kind is told from the token's own form; the hint is
 * not needed.
 */
@Injectable()
export class TokenInspectionService {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly sessions: SessionsService,
    private readonly apiKeyResolver: ApiKeyResolver,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async introspect(token: string): Promise<IntrospectionDto> {
    switch (kindOf(token)) {
      case 'jwt':
        return this.introspectAccessToken(token);
      case 'api_key':
        return this.introspectApiKey(token);
      default:
        // Refresh tokens are for their client alone: a resource server has no business with them.
        return INACTIVE;
    }
  }

  /**
   * Revokes the session of a refresh or access token, or the API key presented; a token that is unknown, invalid
   * or ended already changes nothing (the answer is the same).
   */
  async revoke(token: string, context: RequestContext): Promise<void> {
    switch (kindOf(token)) {
      case 'jwt': {
        const claims = await this.liveAccessToken(token);
        if (claims) {
          await this.sessions.revoke(
            { id: claims.sid, userId: claims.sub },
            'token_revoked',
            context,
          );
        }
        return;
      }
      case 'api_key': {
        const key = await unlessRefused(() => this.apiKeyResolver.principalOf(`Bearer ${token}`));
        if (key) await this.apiKeys.revoke(key.userId, key.apiKeyId, context);
        return;
      }
      default: {
        const session = await this.sessions.sessionOfRefreshToken(token);
        if (session) await this.sessions.revoke(session, 'token_revoked', context);
      }
    }
  }

  private async introspectAccessToken(token: string): Promise<IntrospectionDto> {
    const claims = await this.liveAccessToken(token);
    if (!claims) return INACTIVE;
    const { sub, sid, iss, aud, exp, iat, jti, roles, amr } = claims;
    return { active: true, sub, sid, iss, aud, exp, iat, jti, token_type: 'Bearer', roles, amr };
  }

  private async introspectApiKey(token: string): Promise<IntrospectionDto> {
    const key = await unlessRefused(() => this.apiKeyResolver.principalOf(`Bearer ${token}`));
    if (!key) return INACTIVE;
    return {
      active: true,
      sub: key.userId,
      client_id: key.apiKeyId,
      iss: this.accessTokens.issuer,
      token_type: 'Bearer',
      roles: key.roles,
      scope: key.scopes.join(' '),
    };
  }

  /** The claims of a genuine, unexpired access token whose session is live and its subject's own. */
  private async liveAccessToken(token: string): Promise<AccessTokenClaims | undefined> {
    const claims = await unlessRefused(() => this.accessTokens.verify(token));
    if (!claims) return undefined;
    const status = await this.sessions.statusFor(claims.sid, claims.sub);
    return status === 'active' ? claims : undefined;
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { TokenExpiredError, type Jwt } from 'jsonwebtoken';
import { invalidToken, tokenExpired } from '../access/access.errors';
import { Clock } from '../common/clock';
import { AppConfigService, type AppConfig } from '../config';
import { SigningKeysService } from '../keys/signing-keys.service';

/** RFC 9068 media type of JWT access tokens, carried in the `typ` header and checked on verification. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  roles: string[];
}

export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
  roles: string[];
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** The `kid` of a compact JWS, read without trusting anything else in it; undefined when there is none. */
function kidOf(token: string): unknown {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as {
      kid?: unknown;
    };
    return header.kid;
  } catch {
    return undefined;
  }
}

/** The claims this server issues, checked after the signature: anything else is not one of our access tokens. */
function accessTokenClaims(decoded: Jwt): AccessTokenClaims {
  const typ = typeof decoded.header.typ === 'string' ? decoded.header.typ.toLowerCase() : '';
  if (typ !== ACCESS_TOKEN_TYPE && typ !== `application/${ACCESS_TOKEN_TYPE}`) {
    throw invalidToken(`the token is not an access token (typ must be ${ACCESS_TOKEN_TYPE})`);
  }
  const claims = decoded.payload as Partial<AccessTokenClaims>;
  if (
    typeof claims !== 'object' ||
    typeof claims.sub !== 'string' ||
    typeof claims.sid !== 'string' ||
    typeof claims.jti !== 'string' ||
    typeof claims.exp !== 'number' ||
    !isStringArray(claims.roles)
  ) {
    throw invalidToken('the access token lacks required claims');
  }
  return claims as AccessTokenClaims;
}

/**
 * Access tokens: signs them with the current signing key, and verifies them: the key named by `kid` (KeyObjects
 * only), pinned algorithms, issuer, audience and expiry, judged by the injected clock; then `typ` and the claims.
 */
@Injectable()
export class AccessTokenService {
  private readonly settings: AppConfig['tokens'];

  constructor(
    private readonly jwt: JwtService,
    private readonly keys: SigningKeysService,
    private readonly clock: Clock,
    config: AppConfigService,
  ) {
    this.settings = config.get('tokens', { infer: true });
  }

  get accessTokenTtl(): number {
    return this.settings.accessTokenTtl;
  }

  sign({ userId, sessionId, roles }: AccessTokenSubject): string {
    const iat = Math.floor(this.clock.now() / 1000);
    const claims: AccessTokenClaims = {
      iss: this.settings.issuer,
      aud: this.settings.audience,
      sub: userId,
      sid: sessionId,
      jti: randomUUID(),
      iat,
      exp: iat + this.settings.accessTokenTtl,
      roles,
    };
    const { kid, alg, privateKey } = this.keys.signing;
    return this.jwt.sign(claims, {
      privateKey,
      algorithm: alg,
      keyid: kid,
      header: { alg, kid, typ: ACCESS_TOKEN_TYPE },
    });
  }

  /** The claims of a genuine, unexpired access token of this server; a 401 otherwise. */
  verify(token: string): AccessTokenClaims {
    const key = this.keys.verificationKey(kidOf(token));
    if (!key) throw invalidToken('the token was not signed by a key of this server (unknown kid)');
    let decoded: Jwt;
    try {
      decoded = this.jwt.verify<Jwt>(token, {
        // jsonwebtoken takes KeyObjects (parsed once, far faster than PEM strings); the typings only list strings.
        publicKey: key.publicKey as unknown as string,
        algorithms: this.keys.algorithms,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        complete: true,
        clockTimestamp: Math.floor(this.clock.now() / 1000),
      });
    } catch (error) {
      throw error instanceof TokenExpiredError ? tokenExpired() : invalidToken();
    }
    return accessTokenClaims(decoded);
  }
}

import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import type { Jwt, VerifyOptions } from 'jsonwebtoken';
import { Strategy } from 'passport-jwt';
import type { AppConfig } from '../config';
import { Clock } from '../common/clock';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import type { Principal } from '../common/principal';
import { extractBearerToken } from './bearer-token';
import { KeysService } from './keys.service';
import { PrincipalService } from './principal.service';
import { ACCESS_TOKEN_TYPE, type AccessTokenClaims } from './token.service';
import { VerifiedTokenCache } from './verified-token.cache';

const invalidToken = (message: string) =>
  new AppException(HttpStatus.UNAUTHORIZED, ErrorCode.InvalidToken, message);

function kidOf(rawJwt: string): unknown {
  try {
    const header = JSON.parse(Buffer.from(rawJwt.split('.')[0], 'base64url').toString('utf8')) as {
      kid?: unknown;
    };
    return header.kid;
  } catch {
    return undefined;
  }
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

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
 * passport-jwt verification of access tokens: signature with the key named by `kid` (KeyObjects only), pinned
 * algorithms, issuer, audience and expiry; then `typ` and claims; then the session must still be active.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    keys: KeysService,
    clock: Clock,
    config: ConfigService<AppConfig, true>,
    private readonly principals: PrincipalService,
    private readonly verified: VerifiedTokenCache,
  ) {
    const { issuer, audience } = config.get('jwt', { infer: true });
    super({
      jwtFromRequest: extractBearerToken,
      secretOrKeyProvider: (_request, rawJwt: string, done) => {
        const key = keys.verificationKey(kidOf(rawJwt));
        // jsonwebtoken takes KeyObjects (parsed once, far faster than PEM strings); the typings only list strings.
        if (key) done(null, key.publicKey as unknown as string);
        else done(invalidToken('the token was not signed by a key of this server (unknown kid)'));
      },
      algorithms: keys.algorithms,
      issuer,
      audience,
      jsonWebTokenOptions: { complete: true },
      passReqToCallback: true,
    });
    // Expiry is judged by the same clock that stamped iat/exp (the injected Clock). passport-jwt hands this one
    // options object to jsonwebtoken on every call, so a getter yields the time of each verification.
    const verifyOptions = (this as unknown as { _verifOpts: VerifyOptions })._verifOpts;
    Object.defineProperty(verifyOptions, 'clockTimestamp', {
      enumerable: true,
      get: () => Math.floor(clock.now() / 1000),
    });
  }

  async validate(request: FastifyRequest, decoded: Jwt): Promise<Principal> {
    const claims = accessTokenClaims(decoded);
    this.verified.remember(extractBearerToken(request)!, claims);
    return this.principals.fromAccessToken(claims);
  }
}

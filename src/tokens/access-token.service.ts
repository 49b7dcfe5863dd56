import { randomUUID, sign, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { TokenExpiredError, type Jwt } from 'jsonwebtoken';
import { invalidToken, tokenExpired } from '../access/access.errors';
import { Clock } from '../common/clock';
import { isUuid } from '../common/ids';
import { AppConfigService, type AppConfig } from '../config';
import type { SigningAlgorithm } from '../keys/signing-key-material';
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
  /** RFC 8176 authentication methods of the session: `pwd`, plus `otp` (a TOTP code) or `rcv` (a recovery code). */
  amr?: string[];
}

export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
  roles: string[];
  amr: readonly string[];
}

/** Clock skew tolerated between the instance that issued a token and the one that verifies it, seconds. */
export const CLOCK_LEEWAY_SECONDS = 60;

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** RFC 7519 NumericDate as this server writes it: whole seconds since the epoch, finite, not negative. */
const isNumericDate = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * The protected header of a compact JWS, read before anything is trusted: only to pick the key (`kid`) and to
 * refuse what we cannot honour. A `crit` header names extensions the verifier must understand (RFC 7515 section
 * 4.1.11, e.g. `b64: false`); this server understands none, so any `crit` is refused.
 */
function readHeader(token: string): { kid?: unknown } {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw invalidToken();
  if ('crit' in header) {
    throw invalidToken(
      'the token asks for JWS extensions (crit) that this server does not support',
    );
  }
  return header;
}

/**
 * The signature of a compact JWS's signing input (RFC 7515), base64url: ES256 as the 64-byte R || S pair of RFC 7518
 * section 3.4, RS256 as PKCS #1 v1.5 with SHA-256. Node's own signing, without a JWT library's per-call option
 * checks: the claims are this server's own.
 */
function signature(input: string, alg: SigningAlgorithm, key: KeyObject): string {
  const options = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  return sign('sha256', Buffer.from(input), options).toString('base64url');
}

/**
 * Access tokens: signs them with the current signing key, and verifies them (RFC 8725): the key named by `kid`
 * (KeyObjects only), pinned algorithms, issuer, audience and expiry, judged by the injected clock; no `crit`; then
 * `typ` and every claim with its type.
 */
@Injectable()
export class AccessTokenService {
  private readonly settings: AppConfig['tokens'];
  /** The protected header of the current signing key, encoded once per key. */
  private header?: { kid: string; encoded: string };

  constructor(
    private readonly jwt: JwtService,
    private readonly keys: SigningKeysService,
    private readonly clock: Clock,
    config: AppConfigService,
  ) {
    this.settings = config.section('tokens');
  }

  get accessTokenTtl(): number {
    return this.settings.accessTokenTtl;
  }

  /** `iss` of every access token (JWT_ISSUER). */
  get issuer(): string {
    return this.settings.issuer;
  }

  sign({ userId, sessionId, roles, amr }: AccessTokenSubject): string {
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
      amr: [...amr],
    };
    const { kid, alg, privateKey } = this.keys.signing;
    if (this.header?.kid !== kid) {
      const header = { alg, kid, typ: ACCESS_TOKEN_TYPE };
      this.header = { kid, encoded: Buffer.from(JSON.stringify(header)).toString('base64url') };
    }
    const input = `${this.header.encoded}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${input}.${signature(input, alg, privateKey)}`;
  }

  /** The claims of a genuine, unexpired access token of this server; a 401 otherwise. */
  verify(token: string): AccessTokenClaims {
    const key = this.keys.verificationKey(readHeader(token).kid);
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
        clockTolerance: 0,
      });
    } catch (error) {
      throw error instanceof TokenExpiredError ? tokenExpired() : invalidToken();
    }
    return this.accessTokenClaims(decoded);
  }

  /**
   * The claims this server issues, checked after the signature, each with its type: anything else is not one of
   * our access tokens, even when our key signed it (a leaked key or a bug). `exp` itself was checked by
   * jsonwebtoken, without leeway: a token never outlives the lifetime it was issued with.
   */
  private accessTokenClaims(decoded: Jwt): AccessTokenClaims {
    const typ = typeof decoded.header.typ === 'string' ? decoded.header.typ.toLowerCase() : '';
    if (typ !== ACCESS_TOKEN_TYPE && typ !== `application/${ACCESS_TOKEN_TYPE}`) {
      throw invalidToken(`the token is not an access token (typ must be ${ACCESS_TOKEN_TYPE})`);
    }
    const claims = decoded.payload as Record<string, unknown>;
    if (
      typeof claims !== 'object' ||
      !isUuid(claims.sub) ||
      !isUuid(claims.sid) ||
      !isUuid(claims.jti) ||
      !isStringArray(claims.roles) ||
      (claims.amr !== undefined && !isStringArray(claims.amr))
    ) {
      throw invalidToken('the access token lacks required claims (sub, sid, jti, roles)');
    }
    const now = Math.floor(this.clock.now() / 1000);
    const { exp, iat, nbf } = claims;
    if (!isNumericDate(exp) || !isNumericDate(iat) || (nbf !== undefined && !isNumericDate(nbf))) {
      throw invalidToken('the token times (exp, iat, nbf) must be whole seconds since the epoch');
    }
    if (iat > now + CLOCK_LEEWAY_SECONDS) throw invalidToken('the token was issued in the future');
    if (exp <= iat || exp - iat > this.settings.accessTokenTtl + CLOCK_LEEWAY_SECONDS) {
      throw invalidToken('the token lifetime is not one this server issues');
    }
    return claims as unknown as AccessTokenClaims;
  }
}

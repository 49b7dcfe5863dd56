import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../config';
import { Clock } from '../common/clock';
import { KeysService } from './keys.service';

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

/** Signs access tokens. Verification is the JWT strategy's job (see jwt.strategy.ts). */
@Injectable()
export class TokenService {
  private readonly settings: AppConfig['jwt'];

  constructor(
    private readonly jwt: JwtService,
    private readonly keys: KeysService,
    private readonly clock: Clock,
    config: ConfigService<AppConfig, true>,
  ) {
    this.settings = config.get('jwt', { infer: true });
  }

  get accessTokenTtl(): number {
    return this.settings.accessTokenTtl;
  }

  signAccessToken({ userId, sessionId, roles }: AccessTokenSubject): string {
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
}

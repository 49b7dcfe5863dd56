import { HttpStatus, Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import type { Principal } from '../common/principal';
import { SessionsService } from '../sessions/sessions.service';
import type { AccessTokenClaims } from './token.service';

/** Turns verified access-token claims into the caller, refusing tokens of sessions that are no longer active. */
@Injectable()
export class PrincipalService {
  constructor(private readonly sessions: SessionsService) {}

  async fromAccessToken(claims: AccessTokenClaims): Promise<Principal> {
    if (!(await this.sessions.isActive(claims.sid))) {
      throw new AppException(
        HttpStatus.UNAUTHORIZED,
        ErrorCode.SessionRevoked,
        'the session of this access token has ended (logout or revocation); log in again',
      );
    }
    return {
      kind: 'user',
      userId: claims.sub,
      sessionId: claims.sid,
      roles: claims.roles,
      scopes: [],
    };
  }
}

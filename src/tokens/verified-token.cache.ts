import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { AccessTokenClaims } from './access-token.service';

const MAX_ENTRIES = 50_000;

/**
 * Access tokens already verified by this instance, keyed by the exact token string, each kept until the token's
 * own `exp`. Any change to a token gives another string, so a hit means this exact token passed verification;
 * revocation is still checked on every request (the session check). Saves the signature verification (about
 * 80 us for ES256) on every request after a token's first.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly entries = new Map<string, AccessTokenClaims>();

  constructor(private readonly clock: Clock) {}

  get(token: string): AccessTokenClaims | undefined {
    const claims = this.entries.get(token);
    if (claims && claims.exp * 1000 <= this.clock.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return claims;
  }

  remember(token: string, claims: AccessTokenClaims): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, claims);
  }
}

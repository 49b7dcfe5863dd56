import { Clock } from '../common/clock';
import type { AccessTokenClaims } from './access-token.service';
import { VerifiedTokenCache } from './verified-token.cache';

const claims = (exp: number): AccessTokenClaims => ({
  iss: 'i',
  aud: 'a',
  sub: 'u',
  sid: 's',
  jti: 'j',
  iat: exp - 900,
  exp,
  roles: ['user'],
});

class FixedClock extends Clock {
  constructor(public ms: number) {
    super();
  }
  now(): number {
    return this.ms;
  }
}

describe(VerifiedTokenCache.name, () => {
  describe('get', () => {
    it('answers the claims of the exact token string until the token expires', () => {
      const clock = new FixedClock(999_999);
      const sut = new VerifiedTokenCache(clock);
      sut.remember('token-a', claims(1000));
      expect(sut.get('token-a')).toEqual(claims(1000));
      expect(sut.get('token-a ')).toBeUndefined();
      expect(sut.get('token-b')).toBeUndefined();
      clock.ms = 1_000_000;
      expect(sut.get('token-a')).toBeUndefined();
      // Expired entries are dropped, not just hidden.
      clock.ms = 0;
      expect(sut.get('token-a')).toBeUndefined();
    });
  });
});

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
  describe('remember', () => {
    it('keeps at most 50,000 tokens, forgetting the oldest first', () => {
      const sut = new VerifiedTokenCache(new FixedClock(0));
      for (let i = 0; i <= 50_000; i += 1) sut.remember(`token-${i}`, claims(1000));
      expect(sut.get('token-0')).toBeUndefined();
      expect(sut.get('token-1')).toEqual(claims(1000));
      expect(sut.get('token-50000')).toEqual(claims(1000));
    });
  });

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

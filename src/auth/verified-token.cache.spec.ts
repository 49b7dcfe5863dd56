import type { AccessTokenClaims } from './token.service';
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

describe(VerifiedTokenCache.name, () => {
  describe('get', () => {
    it('answers the claims of the exact token string until the token expires', () => {
      const sut = new VerifiedTokenCache();
      sut.remember('token-a', claims(1000));
      expect(sut.get('token-a', 999_999)).toEqual(claims(1000));
      expect(sut.get('token-a ', 999_999)).toBeUndefined();
      expect(sut.get('token-b', 999_999)).toBeUndefined();
      expect(sut.get('token-a', 1_000_000)).toBeUndefined();
      // Expired entries are dropped, not just hidden.
      expect(sut.get('token-a', 0)).toBeUndefined();
    });
  });
});

import { ACTIVE_SESSION_TTL_MS, SessionStatusCache } from './session-status.cache';

describe(SessionStatusCache.name, () => {
  let sut: SessionStatusCache;
  beforeEach(() => {
    sut = new SessionStatusCache();
  });

  describe('get', () => {
    it('reuses an "active" answer for less than the ttl only', () => {
      sut.set('s', 'u', true, 0, sut.begin());
      expect(sut.get('s', ACTIVE_SESSION_TTL_MS - 1)).toBe(true);
      expect(sut.get('s', ACTIVE_SESSION_TTL_MS)).toBeUndefined();
    });

    it('keeps an "inactive" answer: revocation is final', () => {
      sut.set('s', 'u', false, 0, sut.begin());
      expect(sut.get('s', 10 * ACTIVE_SESSION_TTL_MS)).toBe(false);
    });
  });

  describe('invalidate', () => {
    it('drops the session at once', () => {
      sut.set('s', 'u', true, 0, sut.begin());
      sut.invalidate('s');
      expect(sut.get('s', 1)).toBeUndefined();
    });

    it('does not store a lookup that started before the invalidation', () => {
      const generation = sut.begin();
      sut.invalidate('s');
      sut.set('s', 'u', true, 0, generation);
      expect(sut.get('s', 1)).toBeUndefined();
    });
  });

  describe('invalidateUser', () => {
    it('drops every session of that user only', () => {
      sut.set('s1', 'u1', true, 0, sut.begin());
      sut.set('s2', 'u1', true, 0, sut.begin());
      sut.set('s3', 'u2', true, 0, sut.begin());
      sut.invalidateUser('u1');
      expect([sut.get('s1', 1), sut.get('s2', 1), sut.get('s3', 1)]).toEqual([
        undefined,
        undefined,
        true,
      ]);
    });
  });
});

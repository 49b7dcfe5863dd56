import { ReadThroughCache } from './read-through.cache';

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
};

describe(ReadThroughCache.name, () => {
  let sut: ReadThroughCache<string, string>;
  let loads: number;
  const loader = (value: string) => () => {
    loads += 1;
    return Promise.resolve(value);
  };

  beforeEach(() => {
    sut = new ReadThroughCache<string, string>({
      ttlMs: 1000,
      maxEntries: 3,
      isFinal: (v) => v === 'final',
    });
    loads = 0;
  });

  describe('get', () => {
    it('loads once, then serves the value until the ttl', async () => {
      expect(await sut.get('k', 0, loader('a'))).toBe('a');
      expect(await sut.get('k', 499, loader('b'))).toBe('a');
      expect(loads).toBe(1);
      expect(await sut.get('k', 1000, loader('c'))).toBe('c');
      expect(loads).toBe(2);
    });

    it('reloads in the background past half the ttl, without making the caller wait', async () => {
      await sut.get('k', 0, loader('a'));
      const slow = deferred<string>();
      expect(await sut.get('k', 600, () => slow.promise)).toBe('a');
      slow.resolve('b');
      await slow.promise;
      await Promise.resolve();
      // The background load counts from when it started (600): fresh until 1100, refreshed again from 1100.
      expect(await sut.get('k', 1099, loader('never'))).toBe('b');
      expect(loads).toBe(1);
    });

    it('shares one load between concurrent readers', async () => {
      const slow = deferred<string>();
      let calls = 0;
      const load = () => {
        calls += 1;
        return slow.promise;
      };
      const readers = [sut.get('k', 0, load), sut.get('k', 0, load), sut.get('k', 0, load)];
      slow.resolve('v');
      expect(await Promise.all(readers)).toEqual(['v', 'v', 'v']);
      expect(calls).toBe(1);
    });

    it('keeps final values past the ttl', async () => {
      await sut.get('k', 0, loader('final'));
      expect(await sut.get('k', 1_000_000, loader('other'))).toBe('final');
    });

    it('does not cache a failed load', async () => {
      await expect(sut.get('k', 0, () => Promise.reject(new Error('down')))).rejects.toThrow(
        'down',
      );
      expect(await sut.get('k', 0, loader('up'))).toBe('up');
    });

    it('evicts the oldest entry beyond maxEntries', async () => {
      for (const key of ['a', 'b', 'c', 'd']) await sut.get(key, 0, loader(key));
      expect(sut.size).toBe(3);
      loads = 0;
      await sut.get('a', 1, loader('a2'));
      expect(loads).toBe(1);
    });
  });

  describe('invalidate', () => {
    it('takes effect at once', async () => {
      await sut.get('k', 0, loader('old'));
      sut.invalidate('k');
      expect(await sut.get('k', 1, loader('new'))).toBe('new');
    });

    it('does not store a load that started before it', async () => {
      const slow = deferred<string>();
      const stale = sut.get('k', 0, () => slow.promise);
      sut.invalidate('k');
      slow.resolve('stale');
      await stale;
      expect(await sut.get('k', 1, loader('fresh'))).toBe('fresh');
    });
  });

  describe('invalidateWhere', () => {
    it('drops the matching entries only', async () => {
      await sut.get('a', 0, loader('x1'));
      await sut.get('b', 0, loader('y1'));
      sut.invalidateWhere((value) => value.startsWith('x'));
      expect(await sut.get('a', 1, loader('x2'))).toBe('x2');
      expect(await sut.get('b', 1, loader('y2'))).toBe('y1');
    });
  });

  describe('clear', () => {
    it('drops every entry, final ones too, and stores no load that started before it', async () => {
      await sut.get('a', 0, loader('final'));
      await sut.get('b', 0, loader('b1'));
      const slow = deferred<string>();
      const stale = sut.get('c', 0, () => slow.promise);
      sut.clear();
      slow.resolve('stale');
      await stale;
      expect(sut.size).toBe(0);
      expect(await sut.get('a', 1, loader('a2'))).toBe('a2');
      expect(await sut.get('b', 1, loader('b2'))).toBe('b2');
      expect(await sut.get('c', 1, loader('c2'))).toBe('c2');
    });
  });

  describe('with a ttl that changes', () => {
    it('applies the current ttl to entries already stored', async () => {
      let ttlMs = 30_000;
      sut = new ReadThroughCache<string, string>({ ttlMs: () => ttlMs, maxEntries: 3 });
      await sut.get('k', 0, loader('a'));
      expect(await sut.get('k', 5_000, loader('b'))).toBe('a');
      ttlMs = 1000;
      expect(await sut.get('k', 5_000, loader('c'))).toBe('c');
    });
  });
});

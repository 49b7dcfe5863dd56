export interface ReadThroughCacheOptions<V> {
  /** How long a loaded value may be served; a function when that changes (it is asked on every read). */
  ttlMs: number | (() => number);
  /** Bound on memory: when full, the oldest entry makes room. */
  maxEntries: number;
  /** Values that can never change again (a revoked session), kept until evicted. */
  isFinal?: (value: V) => boolean;
}

interface Entry<V> {
  value: V;
  loadedAt: number;
}

/**
 * An in-process read-through cache for values read on every request. A value is served for at most `ttlMs`
 * after its load started; past half of that, the next read reloads it in the background, so a key read steadily
 * never makes a request wait for the database. Concurrent loads of one key are shared. `invalidate` takes effect
 * at once, and a load that started before an invalidation is not stored.
 */
export class ReadThroughCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly loading = new Map<K, Promise<V>>();
  private generation = 0;

  constructor(private readonly options: ReadThroughCacheOptions<V>) {}

  async get(key: K, now: number, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    if (entry) {
      if (this.options.isFinal?.(entry.value)) return entry.value;
      const age = now - entry.loadedAt;
      const ttlMs =
        typeof this.options.ttlMs === 'number' ? this.options.ttlMs : this.options.ttlMs();
      if (age < ttlMs) {
        if (age >= ttlMs / 2) this.load(key, now, load).catch(() => undefined);
        return entry.value;
      }
      this.entries.delete(key);
    }
    return this.load(key, now, load);
  }

  invalidate(key: K): void {
    this.generation += 1;
    this.entries.delete(key);
    this.loading.delete(key);
  }

  invalidateWhere(predicate: (value: V) => boolean): void {
    this.generation += 1;
    for (const [key, entry] of this.entries) if (predicate(entry.value)) this.entries.delete(key);
    this.loading.clear();
  }

  /** Forgets every entry, final ones included, and every load in flight. */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.loading.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private load(key: K, now: number, load: () => Promise<V>): Promise<V> {
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const loading = load()
      .then((value) => {
        if (generation === this.generation) this.store(key, value, now);
        return value;
      })
      .finally(() => {
        if (this.loading.get(key) === loading) this.loading.delete(key);
      });
    this.loading.set(key, loading);
    return loading;
  }

  private store(key: K, value: V, loadedAt: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { value, loadedAt });
  }
}

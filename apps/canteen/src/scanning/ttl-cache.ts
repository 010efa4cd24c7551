/**
 * A small in-memory cache with a time to live and single-flight loading (concurrent misses of one key share one
 * load). `ttlMs` 0 turns caching off (every get loads). Null results are not cached. Bounded: the oldest entries
 * go when `maxEntries` is reached.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private readonly loading = new Map<K, Promise<V | null>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async get(key: K, load: () => Promise<V | null>): Promise<V | null> {
    if (this.ttlMs > 0) {
      const hit = this.entries.get(key);
      if (hit && hit.expiresAt > Date.now()) return hit.value;
    }
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const promise = load()
      .then((value) => {
        if (value !== null && this.ttlMs > 0) {
          if (this.entries.size >= this.maxEntries) {
            const oldest = this.entries.keys().next();
            if (!oldest.done) this.entries.delete(oldest.value);
          }
          this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
        }
        return value;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, promise);
    return promise;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

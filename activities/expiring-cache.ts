/**
 * Remembers found values for a while; absent values are never remembered. Concurrent gets of a
 * key not yet remembered share one load: a burst's events all miss at once, and would otherwise
 * each send the same read.
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>();
  private readonly loading = new Map<K, Promise<V | undefined>>();

  constructor(private readonly ttlMs: number) {}

  async get(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const entry = this.entries.get(key);
    if (entry && entry.expires > Date.now()) return entry.value;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loaded = load().then((value) => {
      if (value === undefined) this.entries.delete(key);
      else this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
      return value;
    });
    this.loading.set(key, loaded);
    try {
      return await loaded;
    } finally {
      this.loading.delete(key);
    }
  }
}

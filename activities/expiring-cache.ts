/**
 * Remembers found values for a while; absent values and failed loads are never remembered. The
 * load itself is what is kept, so concurrent gets of a key share one: a burst's events all miss
 * at once, and would otherwise each send the same read (as src/reports/report-cache.ts does).
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: Promise<V | undefined>; expires: number }>();

  constructor(private readonly ttlMs: number) {}

  get(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const entry = this.entries.get(key);
    if (entry && entry.expires > Date.now()) return entry.value;
    const value = load();
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
    const forget = () => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    };
    value.then((found) => found === undefined && forget(), forget);
    return value;
  }
}

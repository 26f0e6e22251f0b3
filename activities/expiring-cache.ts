/** Remembers found values for a while; absent values are never remembered. */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>();

  constructor(private readonly ttlMs: number) {}

  async get(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const entry = this.entries.get(key);
    if (entry && entry.expires > Date.now()) return entry.value;
    const value = await load();
    if (value === undefined) this.entries.delete(key);
    else this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
    return value;
  }
}

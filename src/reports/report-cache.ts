/**
 * A figure's source data and when it was read. Every report carries these times, so a reader can
 * tell a figure fetched a second ago from one served by the cache minutes later.
 */
export interface Fresh<T> {
  value: T;
  /** ISO time the answer was read from its system. */
  fetchedAt: string;
}

export interface ReportCache {
  /** The cached answer of `key` while younger than the TTL, else `load()`'s (concurrent callers share one load). */
  get<T>(key: string, load: () => Promise<T>): Promise<Fresh<T>>;
  /** Forgets every answer (an operator asking for fresh figures). */
  clear(): void;
}

/** Default time a heavy read is reused: long enough for a page of charts, short next to a sync's interval. */
export const defaultReportCacheTtlMs = 5 * 60_000;

/**
 * An in-process TTL cache of read answers. Reports only read, so a stale answer is never written
 * anywhere; it is at most `ttlMs` old and says so through `fetchedAt`. A failed load is not kept.
 */
export function createReportCache(ttlMs: number = defaultReportCacheTtlMs, now: () => number = Date.now): ReportCache {
  const entries = new Map<string, { at: number; answer: Promise<Fresh<unknown>> }>();
  return {
    get<T>(key: string, load: () => Promise<T>): Promise<Fresh<T>> {
      const hit = entries.get(key);
      if (hit && now() - hit.at < ttlMs) return hit.answer as Promise<Fresh<T>>;
      const at = now();
      const answer = load().then((value) => ({ value, fetchedAt: new Date(now()).toISOString() }));
      entries.set(key, { at, answer });
      answer.catch(() => {
        if (entries.get(key)?.answer === answer) entries.delete(key);
      });
      return answer;
    },
    clear: () => entries.clear(),
  };
}

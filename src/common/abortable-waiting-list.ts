/**
 * Callers waiting their turn, each of whom may give up: a caller whose signal aborts while it is
 * still in the list leaves it at once and is told why; once taken from the list it no longer
 * listens to its signal (what it was taken for sees the signal itself, or not at all). The request
 * pacer's queue and the burst gatherer's are both one of these.
 */
interface Entry<T> {
  value: T;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class AbortableWaitingList<T> {
  private readonly entries: Entry<T>[] = [];

  get length(): number {
    return this.entries.length;
  }

  /**
   * Adds `value` at the back. If `signal` aborts while it waits, it leaves the list and `left`
   * runs with the signal's reason; if `signal` has already aborted, it is never added.
   */
  add(value: T, signal: AbortSignal | undefined, left: (reason: unknown) => void): void {
    if (signal?.aborted) return left(signal.reason);
    const entry: Entry<T> = { value, signal };
    if (signal) {
      entry.onAbort = () => {
        const index = this.entries.indexOf(entry);
        if (index < 0) return;
        this.entries.splice(index, 1);
        left(signal.reason);
      };
      signal.addEventListener('abort', entry.onAbort, { once: true });
    }
    this.entries.push(entry);
  }

  /** Takes up to `count` from the front, in the order they came. */
  take(count = 1): T[] {
    return this.entries.splice(0, count).map((entry) => {
      if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
      return entry.value;
    });
  }
}

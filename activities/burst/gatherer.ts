/**
 * "Batch while busy" for one kind of call made by concurrent activity executions in one worker
 * process (issue #12's bursts). A call goes out at once when fewer than `maxInFlight` batches are
 * under way, so a lone admission waits for nothing and makes the call it always made; calls that
 * arrive while every slot is taken wait, and the next free slot sends them together, up to
 * `maxBatch` at a time. There is no timer: the window is exactly as long as the system is busy.
 *
 * Each caller gets its own outcome: `send` answers one result or one error per item (a record the
 * system refused fails only its own caller); a whole batch that fails (an outage, a 429) fails
 * every caller in it, and each activity retries under its own policy.
 *
 * Written here rather than with the `dataloader` package: DataLoader flushes on a timer or tick and
 * caches by key, while this needs a flush triggered by a batch finishing, no cache (writes), and
 * a bound on batches in flight (the system's worker pool).
 */
export interface GathererLimits {
  /** Most items one batch carries (a request limit of the system, or one activity's fair wait). */
  maxBatch: number;
  /** Batches under way at once; more calls wait and join the next batch. */
  maxInFlight: number;
}

/**
 * One outcome per item, in the order of `items`. `signal` is the lone caller's cancellation when
 * the batch is one item (its request is then that activity's own); a shared batch carries none, so
 * one cancelled caller never aborts the others' write.
 */
export type BatchSender<I, R> = (items: I[], signal?: AbortSignal) => Promise<({ ok: true; value: R } | { ok: false; error: unknown })[]>;

interface Waiting<I, R> {
  item: I;
  signal?: AbortSignal;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export function createGatherer<I, R>(send: BatchSender<I, R>, limits: GathererLimits): (item: I, signal?: AbortSignal) => Promise<R> {
  const waiting: Waiting<I, R>[] = [];
  let inFlight = 0;

  const dispatch = (batch: Waiting<I, R>[]): void => {
    inFlight++;
    send(
      batch.map((w) => w.item),
      batch.length === 1 ? batch[0].signal : undefined,
    )
      .then(
        (outcomes) => {
          batch.forEach((w, i) => {
            const outcome = outcomes[i];
            if (!outcome) w.reject(new Error('the batch answered fewer outcomes than it was sent items'));
            else if (outcome.ok) w.resolve(outcome.value);
            else w.reject(outcome.error);
          });
        },
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        inFlight--;
        pump();
      });
  };

  function pump(): void {
    while (inFlight < limits.maxInFlight && waiting.length > 0) dispatch(waiting.splice(0, limits.maxBatch));
  }

  /** A caller whose activity is cancelled stops waiting at once, whether its item was sent or not. */
  return (item, signal) =>
    new Promise<R>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const entry: Waiting<I, R> = { item, signal, resolve, reject };
      signal?.addEventListener(
        'abort',
        () => {
          const index = waiting.indexOf(entry);
          if (index >= 0) waiting.splice(index, 1);
          reject(signal.reason);
        },
        { once: true },
      );
      waiting.push(entry);
      pump();
    });
}

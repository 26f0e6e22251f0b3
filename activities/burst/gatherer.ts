import { AbortableWaitingList } from '../../src/common/abortable-waiting-list';

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
 * One outcome per item, in the order of `items`. `signal` aborts once every caller in the batch
 * has given up (for a batch of one, that caller's own cancellation): a batch nobody waits for
 * anymore need not leave (the request pacer drops it), while one cancelled caller never aborts
 * the others' write. Undefined when a caller cannot give up (it has no signal).
 */
export type BatchSender<I, R> = (items: I[], signal?: AbortSignal) => Promise<({ ok: true; value: R } | { ok: false; error: unknown })[]>;

interface Waiting<I, R> {
  item: I;
  signal?: AbortSignal;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * While a batch is under way, a caller whose activity is cancelled stops waiting at once; once
 * every caller has, the batch's own signal aborts (none when a caller cannot give up: it has no
 * signal). Returns that signal and the release of the listeners, called when the batch settles.
 */
function followCallers<I, R>(batch: Waiting<I, R>[]): { signal?: AbortSignal; release: () => void } {
  const everyCallerGone = new AbortController();
  let waitingCallers = batch.length;
  const listeners = batch.flatMap(({ signal, reject }) => {
    if (!signal) return [];
    const giveUp = () => {
      reject(signal.reason);
      if (--waitingCallers === 0) everyCallerGone.abort(signal.reason);
    };
    signal.addEventListener('abort', giveUp, { once: true });
    return [() => signal.removeEventListener('abort', giveUp)];
  });
  const release = () => listeners.forEach((remove) => remove());
  if (listeners.length < batch.length) return { release };
  // A batch of one is that caller's own request, its signal unchanged.
  return { signal: batch.length === 1 ? batch[0]!.signal : everyCallerGone.signal, release };
}

export function createGatherer<I, R>(send: BatchSender<I, R>, limits: GathererLimits): (item: I, signal?: AbortSignal) => Promise<R> {
  const waiting = new AbortableWaitingList<Waiting<I, R>>();
  let inFlight = 0;

  const dispatch = (batch: Waiting<I, R>[]): void => {
    inFlight++;
    const callers = followCallers(batch);
    send(
      batch.map((w) => w.item),
      callers.signal,
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
        callers.release();
        inFlight--;
        pump();
      });
  };

  function pump(): void {
    while (inFlight < limits.maxInFlight && waiting.length > 0) dispatch(waiting.take(limits.maxBatch));
  }

  /** A caller whose activity is cancelled stops waiting at once, whether its item was sent or not. */
  return (item, signal) =>
    new Promise<R>((resolve, reject) => {
      waiting.add({ item, signal, resolve, reject }, signal, reject);
      pump();
    });
}

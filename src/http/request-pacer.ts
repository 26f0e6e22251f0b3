import { AsyncResource } from 'node:async_hooks';
import { AbortableWaitingList } from '../common/abortable-waiting-list';

/**
 * The one place a process paces its requests to an external system (issue #12). Requests, not
 * activities: a gathered burst call carries many activities in one request, and a paging activity
 * sends many requests, so only the client that sends them can keep them to the system's rate.
 *
 * - Starts are spaced `1000 / perSecond` ms apart on a schedule that a late timer does not drift
 *   (n + 1 consecutive starts span at least n - 1/2 gaps, so a second holds at most `perSecond`).
 * - At most `concurrency` requests are under way at once (unbounded unless set).
 * - `pauseFor(ms)` (a 429's or 503's Retry-After) holds every request that has not yet left
 *   until the delay has passed; requests already in flight are not recalled.
 * - A waiting request whose caller is cancelled (an activity's signal) stops waiting at once and
 *   never leaves.
 *
 * Hand-written rather than a package: p-throttle and p-queue (well kept) are ES modules only,
 * which this CommonJS project cannot `require` on Node 20, and neither has a pause that holds
 * the queue for a server's Retry-After; bottleneck has the spacing and concurrency but has had no
 * release since 2019, and pausing it means emptying its reservoir and refilling it on a timer.
 */
export interface RequestPacerOptions {
  /** Requests per second this process may start. */
  perSecond: number;
  /** Requests under way at once; unbounded by default. */
  concurrency?: number;
  /** Monotonic milliseconds; a test may pass its own. */
  now?: () => number;
}

export interface RequestPacer {
  /** Waits for this request's turn, then sends it; rejects with the signal's reason if cancelled first. */
  run<T>(request: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** No request waiting or yet to come leaves before `ms` from now (the longest pause asked for wins). */
  pauseFor(ms: number): void;
}

interface Waiting {
  start: () => void;
}

export function createRequestPacer(options: RequestPacerOptions): RequestPacer {
  if (!(options.perSecond > 0)) throw new Error(`a request pacer needs a positive rate, got ${options.perSecond}`);
  const intervalMs = 1000 / options.perSecond;
  const concurrency = options.concurrency ?? Infinity;
  const now = options.now ?? (() => performance.now());
  const waiting = new AbortableWaitingList<Waiting>();
  let nextStartAt = -Infinity;
  let pausedUntil = -Infinity;
  let running = 0;
  let timer: NodeJS.Timeout | undefined;

  /** Starts every request whose turn has come; sets one timer for the next turn otherwise. */
  const pump = (): void => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    while (waiting.length > 0 && running < concurrency) {
      const at = Math.max(nextStartAt, pausedUntil);
      const wait = at - now();
      if (wait > 0) {
        timer = setTimeout(pump, Math.ceil(wait));
        return;
      }
      const [next] = waiting.take();
      // A start the event loop made late by up to half a gap keeps its slot on the schedule, or a
      // busy process would send well under its rate; any n + 1 starts still span n - 1/2 gaps.
      // Later than that (an idle pacer, a long stall) the schedule starts again from now.
      const startedAt = now();
      nextStartAt = (startedAt - at <= intervalMs / 2 ? at : startedAt) + intervalMs;
      running += 1;
      next.start();
    }
  };

  return {
    run<T>(request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        // Sent later from whichever caller's turn frees it: run in this caller's async context, so
        // what the request reads of its caller (the activity's Context, log fields) is its own.
        const send = AsyncResource.bind(request);
        const start = () =>
          send()
            .then(resolve, reject)
            .finally(() => {
              running -= 1;
              pump();
            });
        // A caller that gives up before its turn never leaves; once sent, the request itself sees the signal.
        waiting.add({ start }, signal, (reason) => {
          pump(); // drops the timer if nobody else waits
          reject(reason);
        });
        pump();
      });
    },

    pauseFor(ms: number): void {
      if (!(ms > 0)) return;
      pausedUntil = Math.max(pausedUntil, now() + ms);
      pump();
    },
  };
}

/** Whether an answer asks this process to hold its requests: a proxy's 429, or a 503 naming how long to wait. */
export const asksToWait = (status: number, retryAfterMs: number | undefined): retryAfterMs is number => (status === 429 || status === 503) && retryAfterMs !== undefined;

/**
 * How often one request a proxy refused with 429 and a Retry-After is sent again, once the pause
 * it asked for has passed, before the refusal reaches the caller. A refused request was not
 * processed, so sending it again is safe for any method. Resending inside the call keeps the
 * progress of an activity that makes several requests (a withdrawal reads each course's
 * participants, then writes): failing it on every 429 would start it over, and under a limit
 * below the pacer's rate (a budget shared with other clients) it would never get through all its
 * requests in one attempt. Bounded, because a caller without an attempt deadline (the CLI) would
 * otherwise wait on a proxy that never lets it through; after the last, the activity hands the
 * delay to Temporal as its retry's (activities/failure.ts).
 */
export const resendsAfterRefusal = 4;

/** An answer as the clients' send functions return it. */
interface PacedAnswer {
  response: { status: number };
  retryAfterMs?: number;
}

/**
 * Sends `request` through the pacer, again after each 429 with a Retry-After (the request has
 * already paused the pacer for it) up to `resendsAfterRefusal` times; without a pacer, once.
 */
export async function sendPaced<A extends PacedAnswer>(pacer: RequestPacer | undefined, request: () => Promise<A>, signal?: AbortSignal): Promise<A> {
  if (!pacer) return request();
  for (let resends = 0; ; resends++) {
    const answer = await pacer.run(request, signal);
    if (answer.response.status !== 429 || answer.retryAfterMs === undefined || resends >= resendsAfterRefusal) return answer;
  }
}

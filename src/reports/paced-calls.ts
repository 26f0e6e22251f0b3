import { IntegrationError } from '../errors/integration-error';
import { createRequestPacer } from '../http/request-pacer';

/**
 * How reports call a system. Outside Temporal there is no activity retry, so reports bring it
 * themselves: each read goes through a request pacer (src/http/request-pacer.ts: spaced to the
 * system's configured rate, MOODLE_RATE_PER_SECOND / ERPNEXT_RATE_PER_SECOND, a bounded number at
 * once), and a read that failed with a retryable class (429/503, a transient 5xx or network error)
 * is tried again a bounded number of times. A Retry-After holds every read of this report's
 * system, not only the refused one. Only reads go through here: repeating one changes nothing.
 */
export interface PacedCallsOptions {
  perSecond: number;
  /** Requests in flight at once; default 4 (a small PHP-FPM or gunicorn pool). */
  concurrency?: number;
  /** Attempts per read; default 5. */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type PacedCalls = <T>(read: () => Promise<T>) => Promise<T>;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Backoff of a transient failure without Retry-After: 0.5 s, 1 s, 2 s, … capped at 10 s. */
const backoffMs = (attempt: number) => Math.min(10_000, 500 * 2 ** (attempt - 1));

export function createPacedCalls(options: PacedCallsOptions): PacedCalls {
  const pacer = createRequestPacer({ perSecond: options.perSecond, concurrency: options.concurrency ?? 4 });
  const attempts = options.attempts ?? 5;
  const sleep = options.sleep ?? defaultSleep;

  return async <T>(read: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await pacer.run(read);
      } catch (failure) {
        if (!(failure instanceof IntegrationError) || !failure.retryable || attempt >= Math.min(attempts, failure.attemptLimit ?? attempts)) throw failure;
        if (failure.retryAfterMs !== undefined) pacer.pauseFor(failure.retryAfterMs);
        else await sleep(backoffMs(attempt));
      }
    }
  };
}

import { IntegrationError } from '../errors/integration-error';

/**
 * How reports call a system. Outside Temporal there is no task-queue rate limit and no activity
 * retry, so reports bring the same two things themselves: requests are spaced to the system's
 * configured rate (MOODLE_RATE_PER_SECOND / ERPNEXT_RATE_PER_SECOND, the rate the workers'
 * queues get), a bounded number run at once, and a read that failed with a retryable class
 * (429/503 after Retry-After, a transient 5xx or network error) is tried again a bounded number of
 * times. Only reads go through here: repeating one changes nothing.
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
  const intervalMs = 1000 / options.perSecond;
  const concurrency = options.concurrency ?? 4;
  const attempts = options.attempts ?? 5;
  const sleep = options.sleep ?? defaultSleep;
  let lastStart = -Infinity;
  let slot: Promise<void> = Promise.resolve();
  let running = 0;
  const waiting: (() => void)[] = [];

  /** Waits for this request's turn: at most `perSecond` starts in any second, measured when each actually starts. */
  const turn = () => {
    const mine = slot.then(async () => {
      const wait = lastStart + intervalMs - Date.now();
      if (wait > 0) await sleep(wait);
      lastStart = Date.now();
    });
    slot = mine;
    return mine;
  };

  const acquire = async () => {
    if (running < concurrency) {
      running += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };

  return async <T>(read: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt += 1) {
      await acquire();
      let failure: unknown;
      try {
        await turn();
        return await read();
      } catch (error) {
        failure = error;
      } finally {
        release();
      }
      if (!(failure instanceof IntegrationError) || !failure.retryable || attempt >= Math.min(attempts, failure.attemptLimit ?? attempts)) throw failure;
      await sleep(failure.retryAfterMs ?? backoffMs(attempt));
    }
  };
}

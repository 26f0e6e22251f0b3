import { setMaxListeners } from 'node:events';
import { Context } from '@temporalio/activity';
import { attemptSignal } from './attempt-deadline';

/**
 * Client call options of the running activity: its attempt's signal (cancelled, or about to time
 * out: attempt-deadline.ts) aborts the request waiting or in flight, and every
 * answered request heartbeats. Temporal delivers a cancellation only in a
 * heartbeat's response, so an activity that pages or writes one document at a time learns of it
 * between two requests (the SDK throttles the heartbeats it actually sends).
 */
export function activityCall(): { signal: AbortSignal; onProgress: () => void } {
  const context = Context.current();
  const signal = attemptSignal(context);
  // Each of the attempt's requests waiting its turn (the pacer, a gatherer) listens on this one
  // signal, and a batch attempt has dozens waiting: past ten, Node warned of a leak
  // (MaxListenersExceededWarning) that is not one, since the listeners leave with their requests
  // and the signal with its attempt.
  setMaxListeners(0, signal);
  return { signal, onProgress: () => context.heartbeat() };
}

import type { Client } from '@temporalio/client';

/** Temporal gave no answer within the time a caller of the gateway is promised one. */
export class TemporalTimedOut extends Error {}

/**
 * Runs one Temporal call under a gRPC deadline and a timer. The deadline ends the call, but the
 * client's retry of UNAVAILABLE sleeps past it (about 3.3 s for a 2 s deadline; a closed port took
 * 18.5 s without the timer, both measured), so the timer bounds the answer. The call itself still
 * runs to its end (a start that outlives the timer may still land) and must not outlive the
 * connection, since the SDK's retry timer throws on a closed channel: it stays in `inFlight` until
 * it settles, for the route plugin to await on close.
 */
export async function callTemporalWithin<T>(temporal: Client, ms: number, inFlight: Set<Promise<unknown>>, call: () => Promise<T>): Promise<T> {
  const answer = temporal.connection.withDeadline(Date.now() + ms, call);
  const settled: Promise<unknown> = answer.then(
    () => inFlight.delete(settled),
    () => inFlight.delete(settled),
  );
  inFlight.add(settled);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TemporalTimedOut(`no answer from Temporal within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([answer, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

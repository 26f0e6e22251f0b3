import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/*
 * An activity attempt must not act after Temporal has timed it out. Temporal's server times an
 * attempt out at its start-to-close and schedules the retry at once, but the worker only cancels
 * the old attempt locally about five seconds later (sdk-core's `local_timeout_buffer_for_activities`,
 * read in sdk-core's worker/activities.rs, not captured). A request still waiting in the request
 * pacer then would go out beside the retry's: in the full 429 storm, an enrol queued past its
 * deadline landed after the student's withdrawal had found nothing to remove. So each attempt
 * carries a signal that also aborts a little before its own start-to-close, and everything an
 * activity sends takes that signal (activity-call.ts).
 */

const attemptSignals = new WeakMap<Context, AbortSignal>();

/** Why an attempt's request was not sent: Temporal is about to time the attempt out (its retry follows). */
export class AttemptDeadlinePassed extends Error {
  override name = 'AttemptDeadlinePassed';
}

/** How long before its start-to-close an attempt stops: the server's clock started a little before ours. */
function marginMs(startToCloseMs: number): number {
  return Math.min(1_000, startToCloseMs / 10);
}

/** Registers every attempt's deadline signal: the activity's cancellation, or its start-to-close less the margin. */
export const endingAttemptsBeforeTheirTimeout: ActivityInterceptorsFactory = (context) => ({
  inbound: {
    async execute(input, next) {
      const { startToCloseTimeoutMs } = context.info;
      const deadline = new AbortController();
      const timer = setTimeout(
        () => deadline.abort(new AttemptDeadlinePassed(`the attempt's ${startToCloseTimeoutMs} ms start-to-close is about to pass: its remaining requests are left to the retry`)),
        Math.max(0, startToCloseTimeoutMs - marginMs(startToCloseTimeoutMs)),
      );
      attemptSignals.set(context, AbortSignal.any([context.cancellationSignal, deadline.signal]));
      try {
        return await next(input);
      } finally {
        clearTimeout(timer);
      }
    },
  },
});

/** The running attempt's signal: aborted when Temporal cancels it or just before it would time out. */
export function attemptSignal(context: Context): AbortSignal {
  return attemptSignals.get(context) ?? context.cancellationSignal;
}

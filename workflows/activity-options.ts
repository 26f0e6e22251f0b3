import type { ActivityOptions } from '@temporalio/workflow';

/*
 * The two ways our workflows call activities, side by side. Both back off exponentially up to a
 * minute between attempts (or wait a server's Retry-After); permanent client errors arrive
 * non-retryable, so they fail at once with a type an operator can act on. They differ in how
 * long an outage they sit out, and how long one call may take.
 */

/**
 * Student lifecycle (one webhook event, one document per call): a call answers in seconds, and
 * after an hour of outage the event's workflow fails visibly, so an operator sees the student
 * waiting instead of a run that retries unnoticed; a later delivery (or a restart) picks it up.
 */
export const lifecycleActivityOptions = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
} as const satisfies ActivityOptions;

/**
 * Grade and attendance syncs (a whole course's batch per call): a call may take minutes, and an
 * outage is sat out however long it lasts, because the run is a batch nobody waits on and the
 * next Schedule tick is skipped while it is still going (overlap SKIP), not piled up.
 */
export const syncActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
} as const satisfies ActivityOptions;

import type { ActivityOptions } from '@temporalio/workflow';

/*
 * The two ways our workflows call activities, side by side. Neither gives up on an outage: a
 * transient failure (network, 5xx, 429, a timeout) is retried for as long as it lasts, backing off
 * exponentially to at most two minutes between attempts (or a server's Retry-After), and the run
 * shows the system it waits on in WaitingOn (workflows/waiting-on.ts). Only a permanent error
 * (arriving non-retryable, with a type and message an operator can act on) fails a run. They
 * differ in how long one call may take.
 */

/** Backoff for every activity: capped so a run notices within minutes that the outage is over. */
const sitOutEveryOutage = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '2m' } as const;

/**
 * Student lifecycle (one webhook event, one document per call): a call answers in seconds. No
 * schedule-to-close timeout: after an outage of any length the run completes instead of failing
 * with an event Frappe will never re-send.
 */
export const lifecycleActivityOptions = {
  startToCloseTimeout: '30s',
  retry: sitOutEveryOutage,
} as const satisfies ActivityOptions;

/**
 * Grade and attendance syncs (a whole course's batch per call): a call may take minutes. The run
 * is a batch nobody waits on, and the next Schedule tick is skipped while it is still going
 * (overlap SKIP), not piled up.
 */
export const syncActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: sitOutEveryOutage,
} as const satisfies ActivityOptions;

/**
 * Batch calls that heartbeat as they go (the change feed's listing pages and visibility reads; the
 * grade and attendance syncs' reads and writes, on a timer: activities/keep-heartbeating.ts): the
 * sync's options plus a heartbeat timeout. A call whose worker died, or whose completion was lost
 * while Temporal restarted, is then tried again within seconds; with the start-to-close alone it
 * held its run for two minutes (seen when the Temporal-outage chaos scenario stopped the server
 * under a feed run, and for every SIGKILL of the worker under a grade sync). The SDK sends a
 * heartbeat at most every 0.8 × the timeout, so 15 s leaves 3 s for a loaded machine.
 */
export const heartbeatingActivityOptions = {
  ...syncActivityOptions,
  heartbeatTimeout: '15s',
} as const satisfies ActivityOptions;

/** The change feed's calls: see heartbeatingActivityOptions. */
export const changeFeedActivityOptions = heartbeatingActivityOptions;

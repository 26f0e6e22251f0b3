/**
 * How a workflow learns that one of its activities is retrying through an outage. The workflow
 * cannot see attempts, so the activity side tells it: after a failed attempt that will be retried,
 * the worker signals the run (`waiting: true`), and after the attempt that finally succeeds (or
 * fails for good) it signals `waiting: false`. The workflow shows the systems it waits on in the
 * WaitingOn search attribute. A signal is an event, not a command, so runs recorded before this
 * existed replay unchanged.
 */
export const activityWaitSignalName = 'activityWait';

export type WaitedSystem = 'moodle' | 'erpnext';

export interface ActivityWait {
  /** The activity's id within its run: two calls retrying at once are told apart. */
  activityId: string;
  system: WaitedSystem;
  waiting: boolean;
  attempt: number;
  /** The failure type (Transient, RateLimited, …): no message, which may quote personal data. */
  failureType?: string;
}

/**
 * Attempts after which a wait is reported: 1, 2, 4, 8, … A lost signal (Temporal briefly
 * unreachable) is repeated, but an outage of hours adds only a few events to the history.
 */
export const isReportedAttempt = (attempt: number) => (attempt & (attempt - 1)) === 0;

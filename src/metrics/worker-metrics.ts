import { ApplicationFailure, type MetricMeter } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { taskQueues } from '../common/task-queues';

/**
 * Campus Bridge's own worker metrics, recorded through the Temporal SDK's metric meter, so they
 * leave the worker on the SDK runtime's Prometheus endpoint beside the SDK's own (WORKER_METRICS_ADDRESS;
 * counters get `_total` there). The Grafana dashboard in deploy/grafana queries these names.
 */
export const workerMetricNames = {
  /** Every activity attempt, by the system its queue calls, its outcome and the failure's type. */
  activityOutcomes: 'campus_bridge_activity_outcomes',
  /** Attempts a system refused as over its rate limit (429, or Moodle's and Frappe's equivalents): each is a wait before the retry. */
  rateLimitWaits: 'campus_bridge_rate_limit_waits',
  /** Unix time the change feed last listed a watched DocType to its end (freshness; lag = now − it). */
  changeFeedCaughtUp: 'campus_bridge_change_feed_caught_up_timestamp_seconds',
  /** Recorded by the change-feed workflow (workflows/change-feed.ts): runs it started that no webhook had. */
  changeFeedCaught: 'campus_bridge_change_feed_caught',
} as const;

/** The ApplicationFailure type the rate-limit classification gives (activities/failure.ts). */
const rateLimitedType = 'RateLimited';

/** The system a queue's activities call: the queue's name (moodle, erpnext); the workflows queue reads Temporal itself. */
function systemOf(taskQueue: string): string {
  return taskQueue === taskQueues.moodle || taskQueue === taskQueues.erpnext ? taskQueue : 'temporal';
}

/**
 * `retry` when Temporal will run the activity again, `failed` when it stops. The type is the one
 * activities/failure.ts gives (Transient, RateLimited, `<system>.<code>`), so the label set stays
 * as small as the clients' error codes; an unclassified error counts under its class name.
 */
function failureOf(err: unknown): { outcome: 'retry' | 'failed'; errorClass: string } {
  if (err instanceof ApplicationFailure) return { outcome: err.nonRetryable ? 'failed' : 'retry', errorClass: err.type ?? 'ApplicationFailure' };
  return { outcome: 'retry', errorClass: err instanceof Error ? err.name : 'unknown' };
}

function recordOutcome(meter: MetricMeter, system: string, err: unknown): void {
  const outcomes = meter.createCounter(workerMetricNames.activityOutcomes, 'attempts', 'Activity attempts by system, outcome and error class');
  if (err === undefined) {
    outcomes.add(1, { system, outcome: 'ok', error_class: 'none' });
    return;
  }
  const { outcome, errorClass } = failureOf(err);
  outcomes.add(1, { system, outcome, error_class: errorClass });
  if (errorClass === rateLimitedType) meter.createCounter(workerMetricNames.rateLimitWaits, 'waits', 'Activity attempts refused by a rate limit').add(1, { system });
}

/**
 * Counts every activity attempt as it ends, on every queue, without each activity saying so.
 * Cancellations count as failures of their class (CancelledFailure): a worker shutting down shows.
 */
export const countingActivityOutcomes: ActivityInterceptorsFactory = (context) => ({
  inbound: {
    async execute(input, next) {
      const system = systemOf(context.info.taskQueue);
      try {
        const result = await next(input);
        recordOutcome(context.metricMeter, system, undefined);
        return result;
      } catch (err) {
        recordOutcome(context.metricMeter, system, err);
        throw err;
      }
    },
  },
});

/** Called by the change feed's listing activity when a page came back short: nothing newer is left. */
export function recordChangeFeedCaughtUp(meter: MetricMeter, doctype: string, at: Date = new Date()): void {
  meter.createGauge(workerMetricNames.changeFeedCaughtUp, 'float', 's', 'When the change feed last listed a DocType to its end').set(at.getTime() / 1000, { doctype });
}

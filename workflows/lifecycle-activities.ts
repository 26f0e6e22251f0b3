import { proxyActivities } from '@temporalio/workflow';
import type { ErpnextActivities } from '../activities/erpnext';
import type { MoodleActivities } from '../activities/moodle';
import { taskQueues } from '../src/shared/task-queues';

/**
 * Each system's activities run on its own rate-limited task queue. Retries back off up to a
 * minute (or wait the server's Retry-After) for up to an hour; permanent client errors arrive
 * non-retryable, so they fail at once with a type an operator can act on.
 */
const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' } as const;

export const moodle = proxyActivities<MoodleActivities>({
  taskQueue: taskQueues.moodle,
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry,
});

export const erpnext = proxyActivities<ErpnextActivities>({
  taskQueue: taskQueues.erpnext,
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry,
});

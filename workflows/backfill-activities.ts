import type { Duration } from '@temporalio/common';
import { proxyActivities } from '@temporalio/workflow';
import type { ErpnextBackfillActivities } from '../activities/backfill-erpnext';
import type { MoodleActivities } from '../activities/moodle';
import type { MoodleBackfillActivities } from '../activities/backfill-moodle';
import type { ProfileBaselineActivities } from '../activities/profile-baselines';
import { taskQueues } from '../src/common/task-queues';
import { syncActivityOptions } from './activity-options';

/**
 * How soon a failed backfill activity is tried again. The default (syncActivityOptions: 1 s
 * doubling to 2 min) sits out an outage; a run under many lost answers (each one fails the whole
 * activity, which then finds what committed) is mostly waiting, so a test or an operator on a
 * flaky link may shorten it. Absent: the default.
 */
export interface BackfillRetry {
  initialInterval: Duration;
  maximumInterval: Duration;
}

/** The backfill's activities on each system's queue, with `retry` when given. */
export function backfillActivities(retry?: BackfillRetry) {
  const options = retry ? { ...syncActivityOptions, retry: { ...syncActivityOptions.retry, ...retry } } : syncActivityOptions;
  return {
    erpnext: proxyActivities<ErpnextBackfillActivities>({ ...options, taskQueue: taskQueues.erpnext }),
    // Creating 100 users takes seconds (request-cost.ts): its heartbeats show it is alive.
    moodle: proxyActivities<MoodleBackfillActivities & Pick<MoodleActivities, 'moodleResolveCourses'>>({ ...options, heartbeatTimeout: '1 minute', taskQueue: taskQueues.moodle }),
    // Hands-over to Temporal itself, under no system's rate limit; each start is a heartbeat.
    temporal: proxyActivities<ProfileBaselineActivities>({ ...options, heartbeatTimeout: '1 minute', taskQueue: taskQueues.workflows }),
  };
}

import { patched, proxyActivities } from '@temporalio/workflow';
import type { ErpnextAttendanceActivities } from '../activities/erpnext-attendance';
import type { ErpnextGradeActivities } from '../activities/erpnext-grades';
import type { TemporalActivities } from '../activities/last-watermarks';
import type { MoodleAttendanceActivities } from '../activities/moodle-attendance';
import type { MoodleGradeActivities } from '../activities/moodle-grades';
import { taskQueues } from '../src/common/task-queues';
import { heartbeatingActivityOptions, syncActivityOptions } from './activity-options';

type SyncOptions = typeof syncActivityOptions | typeof heartbeatingActivityOptions;

/** The grade and attendance syncs' activities: each system's on its rate-limited queue, Temporal's own reads on the workflows queue. */
function proxiesWith(options: SyncOptions) {
  return {
    moodle: proxyActivities<MoodleGradeActivities & MoodleAttendanceActivities>({ ...options, taskQueue: taskQueues.moodle }),
    erpnext: proxyActivities<ErpnextGradeActivities & ErpnextAttendanceActivities>({ ...options, taskQueue: taskQueues.erpnext }),
    temporal: proxyActivities<TemporalActivities>({ ...options, taskQueue: taskQueues.workflows }),
  };
}

export type SyncActivities = ReturnType<typeof proxiesWith>;

const heartbeating = proxiesWith(heartbeatingActivityOptions);
const startToCloseOnly = proxiesWith(syncActivityOptions);

/** The patch under which the sync activities are scheduled with a heartbeat timeout. */
export const syncHeartbeatsPatch = 'sync-activities-heartbeat';

/**
 * The sync activities for this run: with a heartbeat timeout (a call whose worker died is tried
 * again within seconds, not after its two-minute start-to-close). A run that began before the
 * change scheduled its calls without one; replaying it, patched() is false and it keeps doing so.
 * The first call in a workflow fixes where the patch marker sits, so each workflow calls it once
 * at its start.
 */
export function syncActivities(): SyncActivities {
  return patched(syncHeartbeatsPatch) ? heartbeating : startToCloseOnly;
}

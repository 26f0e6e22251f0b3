import { proxyActivities } from '@temporalio/workflow';
import type { ErpnextAttendanceActivities } from '../activities/erpnext-attendance';
import type { ErpnextGradeActivities } from '../activities/erpnext-grades';
import type { MoodleAttendanceActivities } from '../activities/moodle-attendance';
import type { MoodleGradeActivities } from '../activities/moodle-grades';
import { taskQueues } from '../src/shared/task-queues';

/**
 * The grade and attendance syncs' activities, on each system's rate-limited queue. A call reads
 * or writes a whole course's batch, so it may take longer than the lifecycle's one-document calls.
 */
const options = { startToCloseTimeout: '2 minutes', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } } as const;

export const moodle = proxyActivities<MoodleGradeActivities & MoodleAttendanceActivities>({ ...options, taskQueue: taskQueues.moodle });
export const erpnext = proxyActivities<ErpnextGradeActivities & ErpnextAttendanceActivities>({ ...options, taskQueue: taskQueues.erpnext });

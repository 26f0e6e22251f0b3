import { proxyActivities } from '@temporalio/workflow';
import type { ErpnextAttendanceActivities } from '../activities/erpnext-attendance';
import type { ErpnextGradeActivities } from '../activities/erpnext-grades';
import type { TemporalActivities } from '../activities/last-watermarks';
import type { MoodleAttendanceActivities } from '../activities/moodle-attendance';
import type { MoodleGradeActivities } from '../activities/moodle-grades';
import { taskQueues } from '../src/common/task-queues';
import { syncActivityOptions } from './activity-options';

/** The grade and attendance syncs' activities: each system's on its rate-limited queue, Temporal's own reads on the workflows queue. */
export const moodle = proxyActivities<MoodleGradeActivities & MoodleAttendanceActivities>({ ...syncActivityOptions, taskQueue: taskQueues.moodle });
export const erpnext = proxyActivities<ErpnextGradeActivities & ErpnextAttendanceActivities>({ ...syncActivityOptions, taskQueue: taskQueues.erpnext });
export const temporal = proxyActivities<TemporalActivities>({ ...syncActivityOptions, taskQueue: taskQueues.workflows });

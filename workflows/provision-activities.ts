import { proxyActivities } from '@temporalio/workflow';
import type { ErpnextRosterActivities } from '../activities/erpnext-roster';
import type { MoodleRosterActivities } from '../activities/moodle-roster';
import { taskQueues } from '../src/common/task-queues';
import { syncActivityOptions } from './activity-options';

/** Roster provisioning's activities: batches like the syncs (a course's roster per call), on each system's rate-limited queue. */
export const moodleRoster = proxyActivities<MoodleRosterActivities>({ ...syncActivityOptions, taskQueue: taskQueues.moodle });
export const erpnextRoster = proxyActivities<ErpnextRosterActivities>({ ...syncActivityOptions, taskQueue: taskQueues.erpnext });

import { proxyActivities } from '@temporalio/workflow';
import type { ErpnextCompletionActivities } from '../activities/erpnext-completion';
import type { MoodleCompletionActivities } from '../activities/moodle-completion';
import { taskQueues } from '../src/common/task-queues';
import { syncActivityOptions } from './activity-options';

/** The completion sync's activities: a course's reads per call, each system's on its rate-limited queue. */
export const moodleCompletions = proxyActivities<MoodleCompletionActivities>({ ...syncActivityOptions, taskQueue: taskQueues.moodle });
export const erpnextCompletions = proxyActivities<ErpnextCompletionActivities>({ ...syncActivityOptions, taskQueue: taskQueues.erpnext });

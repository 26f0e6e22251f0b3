import { proxyActivities } from '@temporalio/workflow';
import type { ErpnextActivities } from '../activities/erpnext';
import type { MoodleActivities } from '../activities/moodle';
import { taskQueues } from '../src/common/task-queues';
import { lifecycleActivityOptions } from './activity-options';

/** The lifecycle workflows' activities, each system's on its own rate-limited task queue. */
export const moodle = proxyActivities<MoodleActivities>({ ...lifecycleActivityOptions, taskQueue: taskQueues.moodle });
export const erpnext = proxyActivities<ErpnextActivities>({ ...lifecycleActivityOptions, taskQueue: taskQueues.erpnext });

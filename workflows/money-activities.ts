import { proxyActivities } from '@temporalio/workflow';
import type { ErpnextBillingActivities } from '../activities/erpnext-billing';
import type { MoodleElectiveActivities } from '../activities/moodle-electives';
import { taskQueues } from '../src/common/task-queues';
import { lifecycleActivityOptions, syncActivityOptions } from './activity-options';

/*
 * The money workflows' activities. A step of the event itself (billing, submitting, notifying)
 * gives up after the lifecycle's hour, visibly; the re-reads of a wait that lasts weeks sit out
 * an outage however long it is, since failing the wait would lose the deadline it keeps.
 */
export const billing = proxyActivities<ErpnextBillingActivities>({ ...lifecycleActivityOptions, taskQueue: taskQueues.erpnext });
export const billingChecks = proxyActivities<ErpnextBillingActivities>({ ...syncActivityOptions, taskQueue: taskQueues.erpnext });
export const seats = proxyActivities<MoodleElectiveActivities>({ ...lifecycleActivityOptions, taskQueue: taskQueues.moodle });
export const seatChecks = proxyActivities<MoodleElectiveActivities>({ ...syncActivityOptions, taskQueue: taskQueues.moodle });

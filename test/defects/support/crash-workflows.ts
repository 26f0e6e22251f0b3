import { proxyActivities } from '@temporalio/workflow';
import { taskQueues } from '../../../src/common/task-queues';

/** Test workflows: one activity call each, retried as the product's policies do (no attempt cap), only faster. */
export interface CrashActivities {
  admitStudentWithoutEmail(): Promise<string>;
  moodleCall(): Promise<void>;
}

const retry = { initialInterval: '20ms', backoffCoefficient: 1, maximumInterval: '20ms' } as const;
const erpnext = proxyActivities<CrashActivities>({ startToCloseTimeout: '10s', retry, taskQueue: taskQueues.erpnext });
const moodle = proxyActivities<CrashActivities>({ startToCloseTimeout: '10s', retry, taskQueue: taskQueues.moodle });

export async function admitWithoutEmail(): Promise<string> {
  return erpnext.admitStudentWithoutEmail();
}

export async function callMoodle(): Promise<void> {
  await moodle.moodleCall();
}

import { studentRunAttributes } from './search-attributes';
import { syncKinds } from './sync-kinds';
import { taskQueues } from './task-queues';
import { workflowIds } from './workflow-ids';

/**
 * What every signal-with-start of a Student's profile workflow (`profile:<Student>`) shares: the
 * gateway's on_update, reconcile's heal and the backfill's baselines all join the one running
 * workflow, or start it again after one that completed.
 */
export function profileWorkflowStart(studentId: string) {
  return {
    workflowId: workflowIds.profile(studentId),
    taskQueue: taskQueues.workflows,
    typedSearchAttributes: studentRunAttributes(syncKinds.profile, studentId),
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  } as const;
}

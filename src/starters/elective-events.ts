import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { electiveUnenrolledSignal, type invoiceElective } from '../../workflows/invoice-elective';
import type { ElectivesPolicy } from '../mapping/electives';
import { SyncKind } from '../common/search-attributes';
import { syncKinds } from '../common/sync-kinds';
import { taskQueues } from '../common/task-queues';
import { workflowIds } from '../common/workflow-ids';
import { startOnce } from './start-once';

/** A Moodle enrolment change, from a webhook or the poll. */
export type ElectiveEvent =
  | { kind: 'enrolled'; moodleUserId: number; moodleCourseId: number; trigger: 'webhook' | 'poll'; enrol?: string }
  | { kind: 'unenrolled'; moodleUserId: number; moodleCourseId: number };

export interface StartedElectiveWorkflow {
  workflowId: string;
  /** The enrolment was already handled (a completed run with this id exists), or joined a running one. */
  duplicate: boolean;
  /** An unenrolment with no running run for the seat: nothing was billed that could be withdrawn. */
  ignored?: boolean;
}

/**
 * Starts the seat's `invoiceElective` (or joins the running one) for an enrolment, or tells the
 * running one the student left. Both trigger paths call this, so they converge on one id per
 * (user, course): concurrent deliveries join one run (USE_EXISTING), and a completed run is not
 * repeated (a failed one may be). Resolves once Temporal holds the start or the signal.
 */
export async function startElectiveWorkflow(client: Client, event: ElectiveEvent, policy: ElectivesPolicy): Promise<StartedElectiveWorkflow> {
  const workflowId = workflowIds.elective(event.moodleUserId, event.moodleCourseId);
  if (event.kind === 'unenrolled') {
    try {
      await client.workflow.getHandle(workflowId).signal(electiveUnenrolledSignal);
      return { workflowId, duplicate: false };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { workflowId, duplicate: false, ignored: true };
      throw err;
    }
  }
  const args: Parameters<typeof invoiceElective> = [
    { moodleUserId: event.moodleUserId, moodleCourseId: event.moodleCourseId, trigger: event.trigger, ...(event.enrol ? { enrol: event.enrol } : {}), policy },
  ];
  return startOnce(client, 'invoiceElective', { workflowId, taskQueue: taskQueues.workflows, args, typedSearchAttributes: [{ key: SyncKind, value: syncKinds.elective }] });
}

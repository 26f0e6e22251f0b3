import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { getExternalWorkflowHandle, ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { DesiredMoodleUser } from '../src/mapping/moodle-user';
import { studentRunAttributes } from '../src/common/search-attributes';
import { syncKinds } from '../src/common/sync-kinds';
import { workflowIds } from '../src/common/workflow-ids';
import { moodleBaselineSignal, syncProfile } from './sync-profile';

/**
 * Starts the student's profile workflow knowing what Moodle now holds (`baseline`, what was just
 * written) and the fingerprint of the ERPNext fields it came from, so the on_update that writing
 * the Moodle user id back fires is recognised from its body and costs no call to either system.
 * A profile workflow already running (a Student save started it) takes the same as a signal.
 */
export async function startProfileWithBaseline(studentId: string, baseline: DesiredMoodleUser, profileFingerprint: string): Promise<void> {
  try {
    await startChild(syncProfile, {
      workflowId: workflowIds.profile(studentId),
      args: [{ studentId, baseline, profileFingerprint }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: studentRunAttributes(syncKinds.profile, studentId),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await getExternalWorkflowHandle(workflowIds.profile(studentId)).signal(moodleBaselineSignal, baseline, profileFingerprint);
  }
}

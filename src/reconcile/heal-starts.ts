import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { LifecyclePolicy } from '../mapping/lifecycle-policy';
import { studentRunAttributes } from '../common/search-attributes';
import { syncKinds } from '../common/sync-kinds';
import { taskQueues } from '../common/task-queues';
import { profileWorkflowStart } from '../common/profile-workflow-start';
import { signalNames } from '../common/signal-names';
import { workflowIds } from '../common/workflow-ids';
import { healActionKey, type HealAction } from './reconcile-drift';

export interface HealOutcome {
  action: string;
  workflowId: string;
  /** `started`: a new run; `running`: one is already going (it heals); `left`: a person decided otherwise. */
  outcome: 'started' | 'running' | 'left';
  reason?: string;
}

/**
 * Heal runs are the normal workflows under their business ids, so a webhook arriving meanwhile
 * joins the same run. Unlike a webhook, a heal may repeat a completed one-off run: the event
 * happened, but its effect has since drifted (someone unenrolled the student by hand).
 */
const healStart = { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'ALLOW_DUPLICATE' } as const;

async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** An operator who answered `skip` for this student's identity conflict has decided: reconcile does not ask again. */
async function operatorSkipped(client: Client, student: string): Promise<boolean> {
  try {
    const handle = client.workflow.getHandle(workflowIds.onboard(student));
    if ((await handle.describe()).status.name !== 'COMPLETED') return false;
    // Structural: this room may not import workflows/ (activities run it; see docs/architecture.md).
    const result = (await handle.result()) as { decision?: string };
    return result.decision === 'skip';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

export async function startHealAction(client: Client, action: HealAction, policy: LifecyclePolicy): Promise<HealOutcome> {
  const key = healActionKey(action);
  if (action.kind === 'profile') {
    // As a Student save does (src/starters/lifecycle-events.ts): signal-with-start the student's
    // profile workflow, by name, since this room may not import workflows/.
    const start = profileWorkflowStart(action.student);
    await client.workflow.signalWithStart('syncProfile', { ...start, args: [{ studentId: action.student }], signal: signalNames.studentChanged, signalArgs: [] });
    return { action: key, workflowId: start.workflowId, outcome: 'started' };
  }
  const start =
    action.kind === 'onboard'
      ? {
          type: 'onboardStudent',
          workflowId: workflowIds.onboard(action.student),
          args: [{ studentId: action.student, policy }],
          attributes: studentRunAttributes(syncKinds.onboard, action.student),
        }
      : {
          type: 'enrollProgram',
          workflowId: workflowIds.enroll(action.programEnrollment),
          args: [{ programEnrollment: action.programEnrollment, policy }],
          attributes: studentRunAttributes(syncKinds.enroll, action.student, action.program),
        };
  if (action.kind === 'onboard' && (await operatorSkipped(client, action.student))) {
    return { action: key, workflowId: start.workflowId, outcome: 'left', reason: 'an operator chose skip for this identity conflict' };
  }
  if (await isRunning(client, start.workflowId)) return { action: key, workflowId: start.workflowId, outcome: 'running' };
  try {
    await client.workflow.start(start.type, { workflowId: start.workflowId, taskQueue: taskQueues.workflows, args: start.args, typedSearchAttributes: start.attributes, ...healStart });
    return { action: key, workflowId: start.workflowId, outcome: 'started' };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { action: key, workflowId: start.workflowId, outcome: 'running' };
    throw err;
  }
}

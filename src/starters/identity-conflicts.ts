import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { conflictQuery, resolveConflictUpdate, type ConflictDecision, type IdentityConflict } from '../../workflows/onboard-student';

/**
 * The operator's side of a parked onboarding, shared by the admin API and the console so the
 * two cannot decide differently: list what waits, send a decision through the workflow's update
 * (whose validator refuses a decision that does not fit the conflict).
 */

export interface ParkedConflict {
  workflowId: string;
  runId: string;
  conflict: IdentityConflict;
}

/** Visibility finds the parked onboardings; the search attribute is set only while one waits. */
const parkedQuery = 'NeedsOperator = true AND ExecutionStatus = "Running"';

export async function parkedConflicts(client: Client): Promise<ParkedConflict[]> {
  const conflicts: ParkedConflict[] = [];
  for await (const execution of client.workflow.list({ query: parkedQuery })) {
    const conflict = await client.workflow.getHandle(execution.workflowId, execution.runId).query(conflictQuery);
    if (conflict) conflicts.push({ workflowId: execution.workflowId, runId: execution.runId, conflict });
  }
  return conflicts;
}

export type ConflictResolution = { outcome: 'accepted'; accepted: ConflictDecision['action'] } | { outcome: 'refused'; reason: string } | { outcome: 'not-found' };

export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err instanceof Error && 'code' in err && err.code === 5);
}

export async function resolveConflict(client: Client, workflowId: string, decision: ConflictDecision): Promise<ConflictResolution> {
  try {
    const accepted = await client.workflow.getHandle(workflowId).executeUpdate(resolveConflictUpdate, { args: [decision] });
    return { outcome: 'accepted', accepted };
  } catch (err) {
    // The workflow's validator said no (not parked, already decided, not a candidate account).
    if (err instanceof WorkflowUpdateFailedError) return { outcome: 'refused', reason: err.cause?.message ?? err.message };
    if (isNotFound(err)) return { outcome: 'not-found' };
    throw err;
  }
}

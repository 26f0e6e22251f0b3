import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowStartOptions } from '@temporalio/client';

/*
 * The one way a starter starts a workflow for a business event that happens once: a running run
 * with the same id absorbs a repeated delivery (USE_EXISTING), a completed one makes it a
 * duplicate, and only a failed run may be started again (by a later delivery or `retry`).
 */

export const onceOnly = { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' } as const;

export interface StartedOnce {
  workflowId: string;
  /** True when the event was a repeat of one already handled (a completed run with this id exists). */
  duplicate: boolean;
}

/** Starts (or joins) the run and resolves once Temporal has durably accepted it. */
export async function startOnce(client: Client, workflowType: string, options: Omit<WorkflowStartOptions, 'workflowIdConflictPolicy' | 'workflowIdReusePolicy'>): Promise<StartedOnce> {
  try {
    await client.workflow.start(workflowType, { ...options, ...onceOnly });
    return { workflowId: options.workflowId, duplicate: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId: options.workflowId, duplicate: true };
    throw err;
  }
}

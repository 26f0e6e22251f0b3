import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { activityWaitSignalName, isReportedAttempt, type ActivityWait, type WaitedSystem } from '../src/common/activity-waits';
import { wrapActivities, type AsyncFunctions } from './wrap-activities';

const willRetry = (err: unknown) => !(err instanceof ApplicationFailure && err.nonRetryable);

/** Best effort: a wait that cannot be reported must not change the activity's own outcome. */
async function tell(wait: Omit<ActivityWait, 'activityId' | 'attempt'>): Promise<void> {
  const context = Context.current();
  const { activityId, attempt, workflowExecution } = context.info;
  if (!workflowExecution || !context.client) return;
  try {
    await context.client.workflow.getHandle(workflowExecution.workflowId, workflowExecution.runId).signal(activityWaitSignalName, { ...wait, activityId, attempt } satisfies ActivityWait);
  } catch (err) {
    context.log.warn('could not report an activity wait to its workflow', { error: (err as Error).name });
  }
}

/**
 * Wraps a queue's activities (outside their failure mapping, so it sees the classified failure)
 * to report retries to the calling workflow (see src/common/activity-waits.ts).
 */
export function reportingWaits<T extends AsyncFunctions>(system: WaitedSystem, activities: T): T {
  return wrapActivities(activities, async (call) => {
    const { attempt } = Context.current().info;
    try {
      const result = await call();
      if (attempt > 1) await tell({ system, waiting: false });
      return result;
    } catch (err) {
      const retrying = willRetry(err);
      if (retrying && isReportedAttempt(attempt)) await tell({ system, waiting: true, failureType: err instanceof ApplicationFailure ? (err.type ?? undefined) : undefined });
      if (!retrying && attempt > 1) await tell({ system, waiting: false });
      throw err;
    }
  });
}

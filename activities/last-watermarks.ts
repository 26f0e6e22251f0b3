import { Context } from '@temporalio/activity';
import { z } from 'zod';
import { keepHeartbeating } from './keep-heartbeating';
import { createSingleSyncRunActivities } from './single-sync-run';

const watermarkResultSchema = z.object({ watermarks: z.record(z.string(), z.number()), handedOverTo: z.never().optional() });

/** Completed runs looked at; visibility lists newest first, this only guards against ties in close time. */
const completedRunsScanned = 20;

/**
 * The `watermarks` in the result of the newest completed run of a sync workflow type that has
 * them. A Schedule's arguments are fixed, so the next run cannot be handed its start point;
 * Temporal already keeps every run's result durably, so reading it back (through the worker's
 * client) needs no database of our own. A failed run records no result, so the next run starts
 * from the last good one; a Schedule's run that handed its request to the single run
 * (src/common/sync-runs.ts) has no watermarks of its own and is passed over.
 */
async function lastCompletedWatermarks(workflowType: string): Promise<Record<string, number>> {
  const { client } = Context.current();
  const runs: { workflowId: string; runId: string; closedAt: number }[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowType = '${workflowType}' AND ExecutionStatus = 'Completed'` })) {
    runs.push({ workflowId: run.workflowId, runId: run.runId, closedAt: run.closeTime?.getTime() ?? 0 });
    if (runs.length >= completedRunsScanned) break;
  }
  for (const run of runs.sort((a, b) => b.closedAt - a.closedAt)) {
    const parsed = watermarkResultSchema.safeParse(await client.workflow.getHandle(run.workflowId, run.runId).result());
    if (parsed.success) return parsed.data.watermarks;
  }
  return {};
}

/**
 * Calls to Temporal itself (visibility reads, the single run's hand-over). They call neither
 * Moodle nor ERPNext, so they run on the workflows task queue, under no system's name or rate limit.
 */
export function createTemporalActivities() {
  return keepHeartbeating({
    ...createSingleSyncRunActivities(),
    /** Where a grade or attendance run starts: the watermarks of the last completed run of its workflow type. */
    async temporalLastSyncWatermarks(workflowType: string): Promise<Record<string, number>> {
      return lastCompletedWatermarks(workflowType);
    },
  });
}

export type TemporalActivities = ReturnType<typeof createTemporalActivities>;

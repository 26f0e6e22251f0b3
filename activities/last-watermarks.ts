import { Context } from '@temporalio/activity';
import { z } from 'zod';

const watermarkResultSchema = z.object({ watermarks: z.record(z.string(), z.number()) });

/** Completed runs looked at; visibility lists newest first, this only guards against ties in close time. */
const completedRunsScanned = 20;

/**
 * The `watermarks` in the result of the newest completed run of a sync workflow type. A Schedule's
 * arguments are fixed, so the next run cannot be handed its start point; Temporal already keeps
 * every run's result durably, so reading it back (through the worker's client) needs no database
 * of our own. A failed run records no result, so the next run starts from the last good one.
 */
async function lastCompletedWatermarks(workflowType: string): Promise<Record<string, number>> {
  const { client } = Context.current();
  let latest: { workflowId: string; runId: string; closedAt: number } | undefined;
  let scanned = 0;
  for await (const run of client.workflow.list({ query: `WorkflowType = '${workflowType}' AND ExecutionStatus = 'Completed'` })) {
    const closedAt = run.closeTime?.getTime() ?? 0;
    if (latest === undefined || closedAt > latest.closedAt) latest = { workflowId: run.workflowId, runId: run.runId, closedAt };
    if (++scanned >= completedRunsScanned) break;
  }
  if (latest === undefined) return {};
  const parsed = watermarkResultSchema.safeParse(await client.workflow.getHandle(latest.workflowId, latest.runId).result());
  return parsed.success ? parsed.data.watermarks : {};
}

/**
 * Reads of Temporal's own visibility store. They call neither Moodle nor ERPNext, so they run on
 * the workflows task queue, under no system's name or rate limit.
 */
export function createTemporalActivities() {
  return {
    /** Where a grade or attendance run starts: the watermarks of the last completed run of its workflow type. */
    async temporalLastSyncWatermarks(workflowType: string): Promise<Record<string, number>> {
      return lastCompletedWatermarks(workflowType);
    },
  };
}

export type TemporalActivities = ReturnType<typeof createTemporalActivities>;

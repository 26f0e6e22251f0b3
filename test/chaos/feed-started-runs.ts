import type { Client } from '@temporalio/client';
import { workflowIds } from '../../src/common/workflow-ids';
import { completedFeedRuns } from '../durability/feed-support';

/*
 * What the change feed did, read from Temporal itself rather than from the feed's own report, so
 * the report can be checked against it: every run whose parent is a change-feed run, and the sum
 * of `caught` over the completed runs (each Schedule run's last run in its continue-as-new chain
 * carries the chain's report).
 */

export interface FeedStartedRun {
  workflowId: string;
  workflowType: string;
  startTime: number;
}

/** Every run in the namespace started by a change-feed run. */
export async function runsStartedByFeed(client: Client): Promise<FeedStartedRun[]> {
  const runs: FeedStartedRun[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowType != 'changeFeed'` })) {
    if (!run.parentExecution?.workflowId?.startsWith(workflowIds.changeFeed(''))) continue;
    runs.push({ workflowId: run.workflowId, workflowType: run.type, startTime: run.startTime.getTime() });
  }
  return runs;
}

/**
 * The feed's reported count next to what it did: `caught` summed over its completed runs, and the
 * runs it started that no webhook had (every child but the profile workflow, which it signals or
 * starts for every Student save and reports as signalled).
 */
export async function feedCaughtCount(client: Client): Promise<{ reported: number; started: number; startedRuns: FeedStartedRun[] }> {
  const reported = (await completedFeedRuns(client)).reduce((n, r) => n + r.report.caught, 0);
  const startedRuns = (await runsStartedByFeed(client)).filter((r) => r.workflowType !== 'syncProfile');
  return { reported, started: startedRuns.length, startedRuns };
}

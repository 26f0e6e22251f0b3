import type { Client } from '@temporalio/client';
import { mappingSchema } from '../../src/config/mapping-file';
import type { ErpnextClient } from '../../src/erpnext/client';
import { changeFeedSchedules } from '../../src/starters/change-feed-schedule';
import type { ChangeFeedResult } from '../../workflows/change-feed';

/** A change feed every `interval` (mapping-file notation), as `schedules apply` would create it. */
export async function startChangeFeed(client: Client, settings: { interval: string; overlap?: string; deletionCheckInterval?: string }) {
  const mapping = mappingSchema.parse({ changeFeed: { overlap: '5s', deletionCheckInterval: '1s', ...settings } });
  const [schedule] = changeFeedSchedules(mapping);
  return client.schedule.create(schedule);
}

/** Every Webhook set to disabled: ERPNext then sends nothing, as when deliveries are lost. */
export async function setWebhooksEnabled(erp: ErpnextClient, enabled: boolean): Promise<void> {
  for (const { name } of await erp.getList('Webhook', { fields: ['name'], limitPageLength: 0 })) {
    await erp.update('Webhook', String(name), { enabled: enabled ? 1 : 0 });
  }
}

/** The results of the feed's completed runs (the final run of each chain), oldest first. */
export async function completedFeedRuns(client: Client): Promise<ChangeFeedResult[]> {
  const runs: { closed: number; workflowId: string; runId: string }[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowType = 'changeFeed' AND ExecutionStatus = 'Completed'` })) {
    runs.push({ closed: run.closeTime?.getTime() ?? 0, workflowId: run.workflowId, runId: run.runId });
  }
  runs.sort((a, b) => a.closed - b.closed);
  return Promise.all(runs.map((r) => client.workflow.getHandle(r.workflowId, r.runId).result() as Promise<ChangeFeedResult>));
}

/** Polls until at least `count` feed runs completed after the call. */
export async function feedRunsAfterNow(client: Client, count: number, timeoutMs = 60_000): Promise<ChangeFeedResult[]> {
  const before = (await completedFeedRuns(client)).length;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await completedFeedRuns(client);
    if (runs.length >= before + count) return runs.slice(before);
    if (Date.now() > deadline) throw new Error(`fewer than ${count} change feed runs completed in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** How many runs (of any status, or of the one named) a workflow id has had. */
export async function runsOf(client: Client, workflowId: string, status?: string): Promise<number> {
  let n = 0;
  const query = `WorkflowId = '${workflowId}'${status ? ` AND ExecutionStatus = '${status}'` : ''}`;
  for await (const _ of client.workflow.list({ query })) n++;
  return n;
}

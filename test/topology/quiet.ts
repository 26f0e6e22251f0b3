import type { Client } from '@temporalio/client';
import { eventually, secondsSince } from './shell';

export interface Quiet {
  seconds: number;
  /** Runs of each workflow type the namespace has seen (started by the backfill or by webhooks). */
  runsByType: Record<string, number>;
  failed: number;
}

/**
 * Waits until no workflow is running any more. The backfill's write-back saves every Student, and
 * each save is a Student on_update webhook to the gateway, which starts runs of its own; the end
 * state is only final once those have finished too.
 */
export async function waitUntilQuiet(client: Client, timeoutMs: number): Promise<Quiet> {
  const since = performance.now();
  await eventually('no running workflow', timeoutMs, async () => ((await client.workflow.count('ExecutionStatus="Running"')).count === 0 ? true : undefined), 3000);
  const runsByType: Record<string, number> = {};
  for await (const execution of client.workflow.list({ query: 'ExecutionStatus!="Running"' })) runsByType[execution.type] = (runsByType[execution.type] ?? 0) + 1;
  const failed = (await client.workflow.count('ExecutionStatus="Failed" OR ExecutionStatus="TimedOut" OR ExecutionStatus="Terminated"')).count;
  return { seconds: secondsSince(since), runsByType, failed };
}

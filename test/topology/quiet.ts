import type { Client } from '@temporalio/client';
import { eventually, secondsSince, sleep } from './shell';

export interface Quiet {
  seconds: number;
  /** Runs of each workflow type the namespace has seen (started by the backfill or by webhooks). */
  runsByType: Record<string, number>;
  failed: number;
}

/** `syncProfile` is one long-lived run per Student that waits, idle, for the next save (workflows/sync-profile.ts). */
const waitsForEver = 'syncProfile';

/**
 * Waits until the work is over. The backfill writes every link back, each save is a Student
 * on_update webhook, and the gateway signals-with-start a syncProfile run for it; those stay open
 * by design, so "over" is: no other run is open, and Moodle has answered no request for `stillMs`.
 */
export async function waitUntilQuiet(client: Client, moodleUrl: string, timeoutMs: number, stillMs = 20_000): Promise<Quiet> {
  const since = performance.now();
  const moodleRequests = async () => Object.values((await (await fetch(`${moodleUrl}/__sandbox/requests`)).json()) as Record<string, number>).reduce((a, b) => a + b, 0);
  await eventually('no open run but the idle syncProfile ones, and Moodle quiet', timeoutMs, async () => {
    if ((await client.workflow.count(`ExecutionStatus="Running" AND WorkflowType!="${waitsForEver}"`)).count > 0) return undefined;
    const before = await moodleRequests();
    await sleep(stillMs);
    return (await moodleRequests()) === before ? true : undefined;
  }, 3000);
  const runsByType: Record<string, number> = {};
  for await (const execution of client.workflow.list()) runsByType[execution.type] = (runsByType[execution.type] ?? 0) + 1;
  const failed = (await client.workflow.count('ExecutionStatus="Failed" OR ExecutionStatus="TimedOut" OR ExecutionStatus="Terminated"')).count;
  return { seconds: secondsSince(since), runsByType, failed };
}

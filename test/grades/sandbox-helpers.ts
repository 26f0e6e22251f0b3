import type { Client, ScheduleHandle } from '@temporalio/client';
import { z } from 'zod';

const counts = z.record(z.string(), z.number());

/** `GET /__sandbox/requests`: request counts per `METHOD doctype-or-method` (ERPNext) or per wsfunction (Moodle). */
export async function requestCounts(sandboxUrl: string): Promise<Record<string, number>> {
  const response = await fetch(`${sandboxUrl}/__sandbox/requests`);
  return counts.parse(await response.json());
}

export async function resetRequestCounts(sandboxUrl: string): Promise<void> {
  await fetch(`${sandboxUrl}/__sandbox/requests`, { method: 'DELETE' });
}

/** The writing requests among ERPNext request counts (every method but GET). */
export function erpnextWrites(all: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(all).filter(([key]) => !key.startsWith('GET ')));
}

/** Calls a Moodle web-service function the client has no wrapper for, in Moodle's own form encoding. */
export async function moodleWs(moodleUrl: string, wsfunction: string, args: Record<string, string | number | undefined>): Promise<unknown> {
  const body = new URLSearchParams({ wstoken: 'dev-moodle-token', wsfunction, moodlewsrestformat: 'json' });
  for (const [key, value] of Object.entries(args)) if (value !== undefined) body.set(key, String(value));
  const response = await fetch(`${moodleUrl}/webservice/rest/server.php`, { method: 'POST', body });
  const json: unknown = await response.json();
  if (json !== null && typeof json === 'object' && 'exception' in json) throw new Error(`${wsfunction}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * Visibility is eventually consistent: a run that just completed may not be listed yet. The next
 * sync reads its watermark from that list, so tests wait for it as a nightly schedule would.
 */
export async function untilCompletedRunsVisible(client: Client, workflowType: string, atLeast: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { count } = await client.workflow.count(`WorkflowType = '${workflowType}' AND ExecutionStatus = 'Completed'`);
    if (count >= atLeast) return;
    if (Date.now() > deadline) throw new Error(`only ${count} completed ${workflowType} runs visible after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The workflow id of the newest run a Schedule has started. */
export async function untilScheduleStarted(schedule: ScheduleHandle, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { info } = await schedule.describe();
    const started = info.runningActions.at(-1) ?? info.recentActions.at(-1)?.action;
    if (started) return started.workflow.workflowId;
    if (Date.now() > deadline) throw new Error(`schedule ${schedule.scheduleId} started nothing within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

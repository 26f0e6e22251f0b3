import type { Client } from '@temporalio/client';

/** How many of the given workflow ids ended in each status (NOT_STARTED: no run with that id). */
export type StatusCounts = Record<string, number>;

async function statusOf(client: Client, workflowId: string): Promise<string> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name;
  } catch {
    return 'NOT_STARTED';
  }
}

export async function statusCounts(client: Client, workflowIds: string[]): Promise<StatusCounts> {
  const counts: StatusCounts = {};
  for (const id of workflowIds) {
    const status = await statusOf(client, id);
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

/** Polls until every id has a closed run (or the timeout passes); returns the counts it last saw. */
export async function untilClosed(client: Client, workflowIds: string[], timeoutMs: number): Promise<StatusCounts> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await statusCounts(client, workflowIds);
    if ((!counts.RUNNING && !counts.NOT_STARTED) || Date.now() > deadline) return counts;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `{ COMPLETED: 3, FAILED: 1 }` as `3 COMPLETED, 1 FAILED`, in a fixed order so equal counts print equal. */
export const describeCounts = (counts: StatusCounts) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');

/**
 * Each id whose run is still open, with what it waits on: its pending activities (type, attempt,
 * state, last failure) or, with none pending, that it waits in the workflow (a timer, signal or
 * child). A failed closing assertion then names the stuck run instead of only counting it.
 */
export async function describeOpenRuns(client: Client, workflowIds: string[]): Promise<string[]> {
  const open: string[] = [];
  for (const id of workflowIds) {
    const description = await client.workflow
      .getHandle(id)
      .describe()
      .catch(() => undefined);
    if (description && description.status.name !== 'RUNNING') continue;
    if (!description) {
      open.push(`${id}: not started`);
      continue;
    }
    const pending = (description.raw.pendingActivities ?? []).map(
      (a) => `${a.activityType?.name} attempt ${a.attempt} state ${a.state}${a.lastFailure?.message ? ` last failure "${a.lastFailure.message}"` : ''}`,
    );
    const children = (description.raw.pendingChildren ?? []).map((c) => `child ${c.workflowId}`);
    const waits = [...pending, ...children];
    open.push(`${id}: ${waits.length ? waits.join('; ') : 'no pending activity or child (a timer, signal or update)'}`);
  }
  return open;
}

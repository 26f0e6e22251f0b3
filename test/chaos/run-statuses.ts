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

import type { Client } from '@temporalio/client';
import { workflowIds } from '../../../src/common/workflow-ids';
import { lastSyncQuery, type ProfileSync } from '../../../workflows/sync-profile';

const pollMs = 200;

/**
 * Waits until the workflow (started asynchronously, by a webhook) exists and has completed;
 * anything but COMPLETED is an error, since a fixture must record the run it claims to.
 */
export async function untilCompleted(client: Client, workflowId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await client.workflow
      .getHandle(workflowId)
      .describe()
      .then((d) => d.status.name, () => undefined);
    if (status === 'COMPLETED') return;
    if (status !== undefined && status !== 'RUNNING') throw new Error(`${workflowId} ended ${status}`);
    if (Date.now() > deadline) throw new Error(`${workflowId} did not complete within ${timeoutMs} ms (status ${status ?? 'not started'})`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Polls `read` until `done` accepts its value. */
export async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Puts a sandbox's fault settings (sandboxes/faults.ts); `{}` clears them. */
export async function setFaults(sandboxUrl: string, settings: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sandboxUrl}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });
  if (!response.ok) throw new Error(`faults ${sandboxUrl}: ${response.status} ${await response.text()}`);
}

/** The next sync after `previous` (the profile workflow runs for ever, so "done" is a new lastSync). */
export async function untilProfileSynced(client: Client, student: string, previous: ProfileSync | null): Promise<ProfileSync> {
  const handle = client.workflow.getHandle(workflowIds.profile(student));
  const synced = await until(`a profile sync of ${student}`, () => handle.query(lastSyncQuery), (last) => last !== null && last.at !== previous?.at);
  if (synced === null || synced.outcome === 'failed') throw new Error(`profile sync of ${student}: ${JSON.stringify(synced)}`);
  return synced;
}

/** The id of the one workflow a visibility query lists, once it is listed. */
export async function untilListed(client: Client, query: string): Promise<string> {
  const listed = async () => {
    const ids: string[] = [];
    for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
    return ids;
  };
  const ids = await until(`a workflow matching ${query}`, listed, (found) => found.length > 0);
  if (ids.length > 1) throw new Error(`${query} lists ${ids.length} workflows: ${ids.join(', ')}`);
  return ids[0];
}

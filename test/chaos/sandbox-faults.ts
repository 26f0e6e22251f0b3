import { Context } from '@temporalio/activity';
import { sandboxClientHeader, type FaultSettingsInput } from '../../sandboxes/faults';

/** Replaces a sandbox's fault settings (and restarts its Retry-After ledger); `{}` clears every fault. */
export async function setFaults(sandboxUrl: string, faults: FaultSettingsInput): Promise<void> {
  const response = await fetch(`${sandboxUrl}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  if (!response.ok) throw new Error(`setting faults failed: ${response.status} ${await response.text()}`);
}

/** What a sandbox's Retry-After ledger holds (sandboxes/faults.ts). */
export interface RetryAfterCounts {
  answeredWithRetryAfter: number;
  /** Requests their own client sent again before the delay (by `x-sandbox-client`, else by connection). */
  violations: number;
  violatingRequests: string[];
  /** The same request before the delay from any client: includes other runs' identical requests. */
  earlyFromAnyClient: number;
}

/** Answers a sandbox gave with Retry-After, and requests that came again before it, since its faults were last set. */
export async function retryAfterCounts(sandboxUrl: string): Promise<RetryAfterCounts> {
  return (await fetch(`${sandboxUrl}/__sandbox/faults/retry-after`)).json() as Promise<RetryAfterCounts>;
}

/**
 * Names each request's client for the sandboxes' Retry-After ledger: the Temporal activity
 * execution (run and activity id) a request is sent from, the one a Retry-After tells to wait; its
 * next attempt is the same client. The workers run in this process, so wrapping fetch reaches
 * every activity's requests; the product's own code is unchanged. Returns the undo.
 */
export function nameActivityClients(): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    let client: string | undefined;
    try {
      const { workflowExecution, activityId } = Context.current().info;
      client = `${workflowExecution?.runId ?? 'standalone'}/${activityId}`;
    } catch {
      // Not inside an activity (the scenario's own requests): the sandbox falls back to the connection.
    }
    if (client === undefined) return original(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set(sandboxClientHeader, client);
    return original(input, { ...init, headers });
  };
  return () => {
    globalThis.fetch = original;
  };
}

/** Starts a sandbox's protocol request counts afresh (both sandboxes count every request, refused ones too). */
export async function clearRequestCounts(sandboxUrl: string): Promise<void> {
  const response = await fetch(`${sandboxUrl}/__sandbox/requests`, { method: 'DELETE' });
  if (!response.ok) throw new Error(`clearing request counts failed: ${response.status}`);
}

/** Protocol requests a sandbox received since its counts were cleared, refused ones included. */
export async function requestTotal(sandboxUrl: string): Promise<number> {
  const counts = (await (await fetch(`${sandboxUrl}/__sandbox/requests`)).json()) as Record<string, number>;
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

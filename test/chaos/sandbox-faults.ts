import type { FaultSettingsInput } from '../../sandboxes/faults';

/** Replaces a sandbox's fault settings (and restarts its Retry-After ledger); `{}` clears every fault. */
export async function setFaults(sandboxUrl: string, faults: FaultSettingsInput): Promise<void> {
  const response = await fetch(`${sandboxUrl}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  if (!response.ok) throw new Error(`setting faults failed: ${response.status} ${await response.text()}`);
}

/** Answers a sandbox gave with Retry-After, and requests that came again before it, since its faults were last set. */
export async function retryAfterCounts(sandboxUrl: string): Promise<{ answeredWithRetryAfter: number; violations: number; violatingRequests: string[] }> {
  return (await fetch(`${sandboxUrl}/__sandbox/faults/retry-after`)).json() as Promise<{ answeredWithRetryAfter: number; violations: number; violatingRequests: string[] }>;
}

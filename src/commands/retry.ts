import type { Client } from '@temporalio/client';
import Table from 'cli-table3';
import { loadConfig } from '../config/env';
import { isRetryableKind, retryableKinds, retryFailedLifecycleRuns, retryLifecycleRun, type RetriedRun } from '../starters/lifecycle-retry';
import { connectTemporalClient } from '../wiring/from-config';

export interface RetryCommandOptions {
  /** One workflow id; or `failed` for every failed lifecycle run. */
  workflowId?: string;
  failed?: boolean;
  /** ISO time: only runs that ended since then (with `failed`). */
  since?: string;
  /** A SyncKind (with `failed`): onboard, enroll, withdraw, course-enrol, course-withdraw. */
  kind?: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  client?: Client;
  print?: (line: string) => void;
}

export class RetryArgumentError extends Error {}

function table(runs: RetriedRun[]): string {
  const out = new Table({ head: ['Workflow', 'Kind', 'Outcome', 'Failed run', 'Run now'], style: { head: [], border: [], compact: true } });
  for (const run of runs) {
    out.push([run.workflowId, run.kind ?? '', run.outcome, run.failedRunId ? `${run.failedRunId} (${run.failedStatus})` : '', run.runId ?? '']);
  }
  return out.toString();
}

/**
 * `campus-bridge retry <id> | --failed [--since T] [--kind K] [--json]`: re-run failed lifecycle
 * runs with their own input after the cause is fixed. Repeating it starts nothing new.
 */
export async function retryCommand(options: RetryCommandOptions): Promise<RetriedRun[]> {
  if ((options.workflowId === undefined) === !options.failed) throw new RetryArgumentError('retry needs a workflow id or --failed (not both)');
  if (options.workflowId !== undefined && (options.since !== undefined || options.kind !== undefined)) throw new RetryArgumentError('--since and --kind go with --failed');
  const since = options.since === undefined ? undefined : new Date(options.since);
  if (since && Number.isNaN(since.getTime())) throw new RetryArgumentError(`--since expects an ISO time, e.g. 2026-12-01T08:00:00Z`);
  if (options.kind !== undefined && !isRetryableKind(options.kind)) throw new RetryArgumentError(`--kind expects one of ${retryableKinds.join(', ')}`);

  // Only Temporal is needed: the same variables as `sync`.
  const config = loadConfig('sync', options.env ?? process.env, { developmentDefaults: true });
  const print = options.print ?? ((line: string) => console.log(line));
  const client = options.client ?? (await connectTemporalClient(config));
  try {
    const runs = options.workflowId !== undefined ? [await retryLifecycleRun(client, options.workflowId)] : await retryFailedLifecycleRuns(client, { since, kind: options.kind });
    print(options.json ? JSON.stringify(runs, null, 2) : runs.length === 0 ? 'No failed lifecycle runs.' : table(runs));
    return runs;
  } finally {
    if (options.client === undefined) await client.connection.close();
  }
}

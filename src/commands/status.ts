import type { Client } from '@temporalio/client';
import Table from 'cli-table3';
import { loadConfig } from '../config/env';
import { operationsStatus, type OperationsStatus } from '../operations/status';
import { connectTemporalClient } from '../wiring/from-config';

export interface StatusCommandOptions {
  /** ISO time; default the last 24 hours. */
  since?: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  client?: Client;
  print?: (line: string) => void;
}

export function statusTables(status: OperationsStatus): string {
  const style = { head: [], border: [] };
  const runs = new Table({ head: ['Process', 'ok', 'failed', 'waiting', 'running', 'Newest failures'], style });
  for (const p of status.processes) runs.push([p.workflowType, p.ok, p.failed, p.waiting, p.running, p.recentFailures.map((f) => f.workflowId).join('\n')].map(String));
  const waiting = new Table({ head: ['Waiting run', 'Student', 'Since', 'Waits on'], colWidths: [40, 22, 26, 70], wordWrap: true, style });
  for (const w of status.waiting) waiting.push([w.workflowId, w.student ?? '', w.since, w.on]);
  const schedules = new Table({ head: ['Schedule', 'Workflow', 'Paused', 'Next run', 'Last run'], style });
  for (const s of status.schedules) schedules.push([s.scheduleId, s.workflowType ?? '', s.paused ? 'yes' : 'no', s.nextRun ?? '', s.lastRun ?? '']);
  return [`Runs started since ${status.since} (and every open run)`, runs.toString(), 'Waiting on a person', status.waiting.length ? waiting.toString() : '  none', 'Schedules', status.schedules.length ? schedules.toString() : '  none'].join('\n');
}

/** `campus-bridge status [--since ISO] [--json]`: recent runs by process, who waits on what, Schedules. */
export async function statusCommand(options: StatusCommandOptions = {}): Promise<OperationsStatus> {
  const config = loadConfig('status', options.env ?? process.env, { developmentDefaults: true });
  const since = options.since === undefined ? undefined : new Date(options.since);
  if (since && Number.isNaN(since.getTime())) throw new Error('--since expects an ISO time, e.g. 2026-12-01T08:00:00Z');
  const print = options.print ?? ((line: string) => console.log(line));
  const client = options.client ?? (await connectTemporalClient(config));
  try {
    const status = await operationsStatus(client, { since });
    print(options.json ? JSON.stringify(status, null, 2) : statusTables(status));
    return status;
  } finally {
    if (options.client === undefined) await client.connection.close();
  }
}

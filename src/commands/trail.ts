import type { Client } from '@temporalio/client';
import Table from 'cli-table3';
import { loadConfig } from '../config/env';
import { studentTrail, type StudentTrail } from '../operations/trail';
import { connectTemporalClient } from '../wiring/from-config';

export interface TrailCommandOptions {
  student: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  client?: Client;
  print?: (line: string) => void;
}

export function trailTables(trail: StudentTrail): string {
  if (trail.runs.length === 0) return `No runs touched ${trail.student}.`;
  const style = { head: [], border: [] };
  return trail.runs
    .map((run) => {
      const calls = new Table({ head: ['System', 'Call', 'Outcome', 'Attempts', 'At'], style });
      for (const c of run.calls) calls.push([c.system, c.activity, c.outcome + (c.failureType ? ` (${c.failureType})` : ''), String(c.attempts), c.at]);
      const decisions = run.decisions.length ? run.decisions.map((d) => `  - ${d}`).join('\n') : '  - (none recorded)';
      return [`${run.workflowId} [${run.workflowType}, ${run.status}] ${run.startedAt}${run.closedAt ? ` → ${run.closedAt}` : ''}`, `  started by: ${run.trigger}`, decisions, calls.toString()].join('\n');
    })
    .join('\n\n');
}

/** `campus-bridge trail <Student> [--json]`: every run that touched the Student, its decisions and calls. */
export async function trailCommand(options: TrailCommandOptions): Promise<StudentTrail> {
  const config = loadConfig('trail', options.env ?? process.env, { developmentDefaults: true });
  const print = options.print ?? ((line: string) => console.log(line));
  const client = options.client ?? (await connectTemporalClient(config));
  try {
    const trail = await studentTrail(client, options.student);
    print(options.json ? JSON.stringify(trail, null, 2) : trailTables(trail));
    return trail;
  } finally {
    if (options.client === undefined) await client.connection.close();
  }
}

import type { Client } from '@temporalio/client';
import Table from 'cli-table3';
import { reconcileProgressQuery, type ReconcileResult } from '../../workflows/reconcile';
import { loadConfig } from '../config/env';
import { loadMapping } from '../config/mapping-file';
import { answerReconcileGoAhead, applyReconcileSchedule, startReconcile, type GoAheadOutcome } from '../operations/reconcile-runs';
import { connectTemporalClient } from '../wiring/from-config';

export interface ReconcileCommandOptions {
  heal?: boolean;
  /** Answer a run parked by the mass-change breaker: its workflow id. */
  goAhead?: string;
  /** With goAhead: refuse instead. */
  refuse?: boolean;
  /** Create or update the nightly Schedule instead of running now. */
  schedule?: boolean;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  client?: Client;
  print?: (line: string) => void;
}

export function reconcileTables(workflowId: string, result: ReconcileResult): string {
  const { report, heal } = result;
  const style = { head: [], border: [] };
  const counts = new Table({ head: ['Drift', 'Count'], style });
  for (const [kind, count] of Object.entries(report.counts)) counts.push([kind, String(count)]);
  for (const [course, missing] of Object.entries(report.gradesNotInErpnext)) counts.push([`grades not in ERPNext: ${course}`, String(missing)]);
  const detail = new Table({ head: ['Student', 'Drift', 'Course', 'Remedy'], colWidths: [22, 22, 12, 70], wordWrap: true, style });
  for (const d of report.drift) detail.push([d.student, d.kind + (d.fields ? ` (${d.fields.join(', ')})` : ''), d.course ?? '', d.remedy]);
  const lines = [`Reconcile ${workflowId}: ${report.students} students compared, ${report.drift.length} finding(s), ${report.heal.length} healable`, counts.toString(), detail.toString()];
  if (heal) {
    if (!heal.verdict.proceed && !heal.goAhead?.approve) lines.push(`Heal not started: ${heal.verdict.reason}${heal.goAhead ? ' (refused)' : ''}`);
    const started = new Table({ head: ['Heal', 'Workflow', 'Outcome'], style });
    for (const s of heal.started) started.push([s.action, s.workflowId, s.outcome + (s.reason ? `: ${s.reason}` : '')]);
    if (heal.started.length > 0) lines.push(started.toString());
  }
  return lines.join('\n');
}

/**
 * `campus-bridge reconcile [--heal] [--json]` runs the reconcile workflow and prints its report;
 * a heal that trips the mass-change breaker waits (the command says so and exits) until
 * `campus-bridge reconcile --go-ahead <workflow-id> [--refuse]`. `--schedule` applies the nightly Schedule.
 */
export async function reconcileCommand(options: ReconcileCommandOptions = {}): Promise<ReconcileResult | GoAheadOutcome | string> {
  const config = loadConfig('reconcile', options.env ?? process.env, { developmentDefaults: true });
  const print = options.print ?? ((line: string) => console.log(line));
  const client = options.client ?? (await connectTemporalClient(config));
  try {
    const mapping = loadMapping(config.MAPPING_FILE);
    if (options.schedule) {
      const change = await applyReconcileSchedule(client, mapping);
      print(`Schedule reconcile-nightly: ${change}`);
      return change;
    }
    if (options.goAhead) {
      const outcome = await answerReconcileGoAhead(client, options.goAhead, { approve: !options.refuse, by: 'campus-bridge reconcile' });
      print(options.json ? JSON.stringify(outcome) : 'refused' in outcome ? `Not accepted: ${outcome.refused}` : `${options.refuse ? 'Refused' : 'Go-ahead given'}: ${options.goAhead}`);
      if (options.refuse || 'refused' in outcome) return outcome;
      const result = await client.workflow.getHandle(options.goAhead).result();
      print(options.json ? JSON.stringify(result, null, 2) : reconcileTables(options.goAhead, result));
      return result;
    }
    const handle = await startReconcile(client, mapping, { heal: options.heal ?? false });
    const result = await waitOrPark(client, handle.workflowId);
    if (typeof result === 'string') {
      print(result);
      return result;
    }
    print(options.json ? JSON.stringify({ workflowId: handle.workflowId, ...result }, null, 2) : reconcileTables(handle.workflowId, result));
    return result;
  } finally {
    if (options.client === undefined) await client.connection.close();
  }
}

/** The result, or (when the breaker parked the run) a sentence naming the numbers and the command that answers. */
async function waitOrPark(client: Client, workflowId: string): Promise<ReconcileResult | string> {
  const handle = client.workflow.getHandle(workflowId);
  const done = handle.result() as Promise<ReconcileResult>;
  for (;;) {
    const finished = await Promise.race([done, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500))]);
    if (finished) return finished;
    const progress = await handle.query(reconcileProgressQuery).catch(() => undefined);
    if (progress?.state === 'awaiting-go-ahead' && !progress.verdict.proceed) {
      return `Heal parked by the mass-change breaker: ${progress.verdict.reason}. Review with \`campus-bridge status\`, then \`campus-bridge reconcile --go-ahead ${workflowId}\` (or --refuse).`;
    }
  }
}

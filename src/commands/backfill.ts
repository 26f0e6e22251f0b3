import { writeFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import { loadConfig } from '../config/env';
import { loadMapping } from '../config/mapping-file';
import type { MassChangeLimits } from '../common/mass-change-breaker';
import { defaultMassChangeLimits } from '../common/mass-change-breaker';
import { backfillStatus, controlBackfill, cancelBackfill, planCsv, rerunBackfill, startBackfill, type BackfillControl, type BackfillStatus } from '../starters/backfill';
import { connectTemporalClient } from '../wiring/from-config';
import type { BackfillResult, BackfillState } from '../../workflows/backfill';
import type { BackfillCounts, BackfillIssue } from '../../workflows/backfill-batch';

export type BackfillAction = 'start' | 'status' | BackfillControl | 'cancel';

export interface BackfillCommandOptions {
  action: BackfillAction;
  /** The run to look at or act on (every action but start). */
  workflowId?: string;
  dryRun?: boolean;
  /** Follow the run with a progress bar until it ends (start only). */
  wait?: boolean;
  /** Re-run the records this finished backfill did not sync. */
  rerun?: string;
  maxChanges?: number;
  maxShare?: number;
  /** Where a finished dry run's plan is written as CSV. */
  csv?: string;
  json?: boolean;
  /** Poll interval of `--wait`. */
  pollMs?: number;
  env?: NodeJS.ProcessEnv;
  client?: Client;
  print?: (line: string) => void;
  /** The progress bar's stream; stderr by default, so `--json` output stays clean. */
  progressStream?: NodeJS.WritableStream;
}

const style = { head: [], border: [] };

function countsTable(title: string, counts: BackfillCounts): string {
  const table = new Table({ head: [title, 'Students'], style });
  const rows: [string, number][] = [
    ['accounts to create / created', counts.create],
    ['accounts to link / linked', counts.link],
    ['already linked', counts.alreadyLinked],
    ['profiles to update / updated', counts.profiles],
    ['enrolments to add / added', counts.enrolments],
    ['links to write back / written', counts.writeBacks],
    ['conflicts (reported, not guessed)', counts.conflicts],
    ['failed records', counts.failed],
  ];
  for (const [label, value] of rows) table.push([label, String(value)]);
  return table.toString();
}

/** Records not synced, as a table: what an operator fixes before re-running them by id. */
export function issuesTable(issues: BackfillIssue[]): string {
  const table = new Table({ head: ['Student', 'Kind', 'Stage', 'Reason', 'Moodle accounts'], colWidths: [22, 10, 12, 70, 18], wordWrap: true, style });
  for (const issue of issues) table.push([issue.student, issue.kind, issue.stage, issue.reason, (issue.accountIds ?? []).join(', ')]);
  return table.toString();
}

export function backfillReport(workflowId: string, result: BackfillResult): string {
  const lines = [`Backfill ${workflowId}${result.dryRun ? ' (dry run: nothing written)' : ''}: ${result.total} students`];
  if (result.planned && !result.dryRun) lines.push(countsTable('Planned', result.planned));
  lines.push(countsTable(result.dryRun ? 'Plan' : result.wrote ? 'Done' : 'Not written', result.counts));
  if (result.verdict && !result.verdict.proceed) lines.push(`Mass-change breaker: ${result.verdict.reason}${result.goAhead ? (result.goAhead.approve ? ' (approved)' : ' (refused)') : result.wrote ? '' : ' (no go-ahead)'}`);
  if (result.missingCourses.length > 0) lines.push(`Program courses with no Moodle course: ${result.missingCourses.join(', ')}`);
  if (result.issues.length > 0) {
    lines.push(issuesTable(result.issues));
    if (result.issueCount > result.issues.length) lines.push(`… ${result.issueCount - result.issues.length} more not listed`);
    lines.push(`Re-run these once fixed: campus-bridge backfill --rerun ${workflowId}`);
  }
  return lines.join('\n');
}

function parkedMessage(workflowId: string, state: BackfillState): string {
  const reason = state.verdict && !state.verdict.proceed ? state.verdict.reason : 'the plan exceeds the mass-change limits';
  return [
    `Backfill ${workflowId} is parked before writing: ${reason}.`,
    state.planned ? countsTable('Planned', state.planned) : '',
    `Approve with: campus-bridge backfill approve ${workflowId}   (or refuse ${workflowId})`,
  ].join('\n');
}

/** Follows a run with a live bar (done/total, rate, failures, ETA) until it completes. */
async function follow(client: Client, workflowId: string, options: BackfillCommandOptions, print: (line: string) => void): Promise<BackfillStatus> {
  const bar = new SingleBar({
    format: '{phase} [{bar}] {value}/{total} | {rate}/s | failures {failures} | ETA {eta_formatted} | {status}',
    stream: options.progressStream ?? process.stderr,
    hideCursor: true,
    etaBuffer: 20,
  });
  let started = false;
  let parkedShown = false;
  const since = { at: Date.now(), done: 0, phase: '' };
  for (;;) {
    const status = await backfillStatus(client, workflowId);
    if (!status) throw new Error(`no backfill ${workflowId}`);
    if (status.execution !== 'RUNNING') {
      if (started) bar.stop();
      return status;
    }
    const state = status.progress;
    if (state) {
      if (state.phase !== since.phase) Object.assign(since, { at: Date.now(), done: state.done, phase: state.phase });
      const seconds = (Date.now() - since.at) / 1000;
      const payload = { phase: state.phase === 'plan' ? 'planning' : 'syncing', rate: seconds > 0 ? ((state.done - since.done) / seconds).toFixed(1) : '0.0', failures: state.counts.failed + state.counts.conflicts, status: state.status };
      if (!started) bar.start(state.total, state.done, payload);
      started = true;
      bar.setTotal(state.total);
      bar.update(state.done, payload);
      if (state.status === 'awaiting-go-ahead' && !parkedShown) {
        bar.stop();
        started = false;
        print(parkedMessage(workflowId, state));
        parkedShown = true;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}

function limitsOf(options: BackfillCommandOptions): MassChangeLimits {
  return { maxChanges: options.maxChanges ?? defaultMassChangeLimits.maxChanges, maxShare: options.maxShare ?? defaultMassChangeLimits.maxShare };
}

/**
 * `campus-bridge backfill [--dry-run] [--wait] [--rerun <id>] [--max-changes N] [--max-share S] [--csv FILE]`,
 * `backfill status <id> [--json]` and `backfill pause|resume|approve|refuse|cancel <id>`.
 */
export async function backfillCommand(options: BackfillCommandOptions): Promise<BackfillStatus | BackfillState | null> {
  const config = loadConfig('sync', options.env ?? process.env, { developmentDefaults: true });
  const print = options.print ?? ((line: string) => console.log(line));
  const client = options.client ?? (await connectTemporalClient(config));
  try {
    if (options.action === 'start') {
      const mapping = loadMapping(config.MAPPING_FILE);
      const request = { dryRun: options.dryRun, limits: limitsOf(options) };
      const started = options.rerun ? await rerunBackfill(client, mapping, options.rerun, request) : await startBackfill(client, mapping, request);
      if (!started) throw new Error(`backfill ${options.rerun} is unknown, not finished, or left no record to re-run`);
      print(`started ${started.workflowId}`);
      if (!options.wait) return null;
      return report(await follow(client, started.workflowId, options, print), options, print);
    }
    const workflowId = options.workflowId;
    if (!workflowId) throw new Error(`backfill ${options.action} needs a workflow id`);
    if (options.action === 'status') {
      const status = await backfillStatus(client, workflowId);
      if (!status) throw new Error(`no backfill ${workflowId}`);
      return report(status, options, print);
    }
    if (options.action === 'cancel') {
      await cancelBackfill(client, workflowId);
      print(`cancel requested for ${workflowId}`);
      return null;
    }
    const state = await controlBackfill(client, workflowId, options.action, 'campus-bridge backfill');
    print(options.json ? JSON.stringify(state) : `${workflowId}: ${state.status} (${state.done}/${state.total})`);
    return state;
  } finally {
    if (options.client === undefined) await client.connection.close();
  }
}

function report(status: BackfillStatus, options: BackfillCommandOptions, print: (line: string) => void): BackfillStatus {
  if (options.json) {
    print(JSON.stringify(status, null, 2));
  } else if (status.result) {
    print(backfillReport(status.workflowId, status.result));
  } else if (status.progress) {
    const state = status.progress;
    print(state.status === 'awaiting-go-ahead' ? parkedMessage(status.workflowId, state) : `Backfill ${status.workflowId}: ${status.execution}, ${state.phase} ${state.status}, ${state.done}/${state.total}`);
    if (state.issues.length > 0) print(issuesTable(state.issues));
  } else {
    print(`Backfill ${status.workflowId}: ${status.execution}`);
  }
  if (options.csv && status.result?.dryRun) {
    writeFileSync(options.csv, planCsv(status.result.plan));
    print(`plan written to ${options.csv}`);
  }
  return status;
}

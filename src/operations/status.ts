import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { reconcileProgressQuery, type ReconcileProgress } from '../../workflows/reconcile';
import { NeedsOperator, StudentId, SyncKind } from '../common/search-attributes';

export type RunState = 'ok' | 'failed' | 'waiting' | 'running';

export interface ProcessRuns {
  workflowType: string;
  ok: number;
  failed: number;
  waiting: number;
  running: number;
  /** The newest failures, for `retry`. */
  recentFailures: { workflowId: string; closedAt: string }[];
}

export interface WaitingRun {
  workflowId: string;
  workflowType: string;
  student?: string;
  /** What it waits on, in words. */
  on: string;
  since: string;
}

export interface ScheduleStatus {
  scheduleId: string;
  workflowType?: string;
  paused: boolean;
  nextRun?: string;
  lastRun?: string;
}

export interface OperationsStatus {
  /** Runs started since this time. */
  since: string;
  processes: ProcessRuns[];
  waiting: WaitingRun[];
  schedules: ScheduleStatus[];
}

const failedStatuses = new Set(['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELLED']);

async function waitingOn(client: Client, run: WorkflowExecutionInfo): Promise<string | undefined> {
  if (run.typedSearchAttributes.get(NeedsOperator) === true) return 'an operator decision on an identity conflict (/admin/conflicts)';
  if (run.type === 'reconcile') {
    const progress: ReconcileProgress = await client.workflow.getHandle(run.workflowId, run.runId).query(reconcileProgressQuery);
    if (progress.state === 'awaiting-go-ahead' && !progress.verdict.proceed) return `a go-ahead to heal: ${progress.verdict.reason} (campus-bridge reconcile --go-ahead ${run.workflowId})`;
  }
  return undefined;
}

/**
 * Recent runs per workflow type, runs waiting on a person, and the Schedules' next times, from
 * Temporal visibility alone. Plain data, for the CLI and the console.
 */
export async function operationsStatus(client: Client, options: { since?: Date; limit?: number } = {}): Promise<OperationsStatus> {
  const since = options.since ?? new Date(Date.now() - 24 * 3_600_000);
  const limit = options.limit ?? 1_000;
  const byType = new Map<string, ProcessRuns>();
  const waiting: WaitingRun[] = [];
  let seen = 0;
  for await (const run of client.workflow.list({ query: `StartTime > '${since.toISOString()}' OR ExecutionStatus = 'Running'` })) {
    if (++seen > limit) break;
    const entry = byType.get(run.type) ?? { workflowType: run.type, ok: 0, failed: 0, waiting: 0, running: 0, recentFailures: [] };
    byType.set(run.type, entry);
    const status = run.status.name;
    if (status === 'COMPLETED' || status === 'CONTINUED_AS_NEW') entry.ok++;
    else if (failedStatuses.has(status)) {
      entry.failed++;
      if (entry.recentFailures.length < 5) entry.recentFailures.push({ workflowId: run.workflowId, closedAt: run.closeTime?.toISOString() ?? '' });
    } else {
      const on = await waitingOn(client, run).catch(() => undefined);
      if (on) {
        entry.waiting++;
        waiting.push({ workflowId: run.workflowId, workflowType: run.type, student: run.typedSearchAttributes.get(StudentId), on, since: run.startTime.toISOString() });
      } else entry.running++;
    }
  }
  const schedules: ScheduleStatus[] = [];
  for await (const schedule of client.schedule.list()) {
    schedules.push({
      scheduleId: schedule.scheduleId,
      workflowType: schedule.action?.type === 'startWorkflow' ? schedule.action.workflowType : undefined,
      paused: schedule.state.paused,
      nextRun: schedule.info.nextActionTimes[0]?.toISOString(),
      lastRun: schedule.info.recentActions.at(-1)?.takenAt.toISOString(),
    });
  }
  return {
    since: since.toISOString(),
    processes: [...byType.values()].sort((a, b) => a.workflowType.localeCompare(b.workflowType)),
    waiting,
    schedules: schedules.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId)),
  };
}

/** The SyncKind of a run, for tables (kept here so the trail and status agree). */
export const kindOf = (run: WorkflowExecutionInfo): string | undefined => run.typedSearchAttributes.get(SyncKind);

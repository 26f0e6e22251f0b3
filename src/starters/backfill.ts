import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Mapping } from '../config/mapping-file';
import { defaultMassChangeLimits, type MassChangeLimits } from '../common/mass-change-breaker';
import { SyncKind } from '../common/search-attributes';
import { syncKinds } from '../common/sync-kinds';
import { taskQueues } from '../common/task-queues';
import { workflowIds } from '../common/workflow-ids';
import {
  approveBackfillUpdate,
  backfillProgressQuery,
  pauseBackfillUpdate,
  resumeBackfillUpdate,
  type backfill,
  type BackfillResult,
  type BackfillState,
} from '../../workflows/backfill';
import type { PlanRow } from '../../workflows/backfill-batch';

/*
 * An operator's backfill (admin API or CLI): start one, watch it, pause, resume, approve it past
 * the mass-change breaker, and re-run the records it could not sync.
 */

export interface BackfillRequest {
  dryRun?: boolean;
  /** Only these Students, e.g. the failed records of an earlier run. */
  students?: string[];
  /** The mass-change breaker's limits; the product default when absent. */
  limits?: MassChangeLimits;
}

/** Two requests in the same millisecond are one request. */
const sameMillisecondIsOneRequest = { workflowIdConflictPolicy: 'USE_EXISTING' } as const;

export async function startBackfill(client: Client, mapping: Mapping, request: BackfillRequest, now: Date = new Date()): Promise<{ workflowId: string }> {
  const workflowId = workflowIds.backfill(now.toISOString());
  await client.workflow.start<typeof backfill>('backfill', {
    workflowId,
    taskQueue: taskQueues.workflows,
    args: [
      {
        dryRun: request.dryRun ?? false,
        students: request.students,
        limits: request.limits ?? defaultMassChangeLimits,
        roleId: mapping.moodle.studentRoleId,
        auth: mapping.moodle.auth,
      },
    ],
    ...sameMillisecondIsOneRequest,
    typedSearchAttributes: [{ key: SyncKind, value: syncKinds.backfill }],
  });
  return { workflowId };
}

export interface BackfillStatus {
  workflowId: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED… */
  execution: string;
  progress: BackfillState | null;
  result: BackfillResult | null;
}

/** Progress of a running backfill, or the result of a finished one; null for an unknown id. */
export async function backfillStatus(client: Client, workflowId: string): Promise<BackfillStatus | null> {
  const handle = client.workflow.getHandle<typeof backfill>(workflowId);
  try {
    const description = await handle.describe();
    const execution = description.status.name;
    if (execution === 'COMPLETED') return { workflowId, execution, progress: null, result: await handle.result() };
    // A finished run still answers queries (a worker replays it); an unreachable worker leaves only the status.
    const progress = await handle.query(backfillProgressQuery).catch(() => null);
    return { workflowId, execution, progress, result: null };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

export type BackfillControl = 'pause' | 'resume' | 'approve' | 'refuse';

/** Pause, resume, or answer the breaker; answers the state after the change. */
export async function controlBackfill(client: Client, workflowId: string, action: BackfillControl, by?: string): Promise<BackfillState> {
  const handle = client.workflow.getHandle<typeof backfill>(workflowId);
  switch (action) {
    case 'pause':
      return handle.executeUpdate(pauseBackfillUpdate);
    case 'resume':
      return handle.executeUpdate(resumeBackfillUpdate);
    case 'approve':
    case 'refuse':
      return handle.executeUpdate(approveBackfillUpdate, { args: [{ approve: action === 'approve', by }] });
  }
}

/** Cancels the run; batches in flight are cancelled with it (what they committed stays, and a re-run finds it). */
export async function cancelBackfill(client: Client, workflowId: string): Promise<void> {
  await client.workflow.getHandle(workflowId).cancel();
}

/** The Students a run did not sync (failures and conflicts), to re-run by id once fixed. */
export function unsyncedStudents(issues: { student: string }[]): string[] {
  return [...new Set(issues.map((issue) => issue.student))];
}

const csvColumns: (keyof PlanRow)[] = ['student', 'action', 'moodleUserId', 'courses', 'profile', 'writeBack'];

/** A dry run's plan as CSV (RFC 4180 quoting), one line per student. */
export function planCsv(rows: PlanRow[]): string {
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [csvColumns.join(','), ...rows.map((row) => csvColumns.map((column) => cell(row[column])).join(','))].join('\n') + '\n';
}

/**
 * Starts a new backfill of the records a finished run listed as not synced (failures and
 * conflicts, once fixed). Null when the run is unknown, unfinished, or left nothing to re-run.
 */
export async function rerunBackfill(client: Client, mapping: Mapping, workflowId: string, request: Omit<BackfillRequest, 'students'> = {}): Promise<{ workflowId: string; students: number } | null> {
  const status = await backfillStatus(client, workflowId);
  const students = status?.result ? unsyncedStudents(status.result.issues) : [];
  if (students.length === 0) return null;
  return { ...(await startBackfill(client, mapping, { ...request, students })), students: students.length };
}

import type { Client } from '@temporalio/client';
import type { Mapping } from '../config/mapping-file';
import type { SyncAttendanceInput } from '../../workflows/sync-attendance';
import type { SyncGradesInput } from '../../workflows/sync-grades';
import { SyncKind } from '../common/search-attributes';
import { singleSyncRuns, syncRequestedSignal, type SingleSyncRun } from '../common/sync-runs';
import { taskQueues } from '../common/task-queues';
import { attendanceSyncSettings, gradeSyncSettings } from './sync-settings';

/*
 * An operator's request (admin API or CLI) to sync now rather than wait for the nightly Schedule.
 * One grade sync and one attendance sync run at a time (src/common/sync-runs.ts).
 */

export interface GradeSyncRequest {
  /** One course: Moodle course idnumber or ERPNext Course name. */
  course?: string;
  /** One ERPNext Student. */
  student?: string;
}

/** The run that holds a request: the single run's id and the run of it that was signalled. */
export interface SyncRunJoined {
  workflowId: string;
  runId: string;
}

/**
 * Hands a request to the kind's single run by signal-with-start: starts it when none runs;
 * otherwise the running one joins it (same scope) or queues it as a follow-up. Resolves once
 * Temporal has durably accepted the signal. Also what a Schedule's run does (activities/single-sync-run.ts).
 */
export async function requestSingleRun(client: Client, run: SingleSyncRun, input: unknown): Promise<SyncRunJoined> {
  const handle = await client.workflow.signalWithStart(run.workflowType, {
    workflowId: run.workflowId,
    taskQueue: taskQueues.workflows,
    args: [input],
    signal: syncRequestedSignal,
    signalArgs: [input],
    typedSearchAttributes: [{ key: SyncKind, value: run.syncKind }],
  });
  return { workflowId: run.workflowId, runId: handle.signaledRunId };
}

/** Grades now, optionally for one course or student: the same workflow the Schedule starts. */
export async function startGradeSync(client: Client, mapping: Mapping, request: GradeSyncRequest): Promise<SyncRunJoined> {
  const input: SyncGradesInput = { course: request.course, student: request.student, settings: gradeSyncSettings(mapping) };
  return requestSingleRun(client, singleSyncRuns.grades, input);
}

/** Attendance now, optionally for one course. */
export async function startAttendanceSync(client: Client, mapping: Mapping, request: { course?: string }): Promise<SyncRunJoined> {
  const input: SyncAttendanceInput = { course: request.course, settings: attendanceSyncSettings(mapping) };
  return requestSingleRun(client, singleSyncRuns.attendance, input);
}

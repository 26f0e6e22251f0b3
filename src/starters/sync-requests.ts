import type { Client } from '@temporalio/client';
import type { Mapping } from '../config/mapping-file';
import type { SyncAttendanceInput } from '../../workflows/sync-attendance';
import type { SyncGradesInput } from '../../workflows/sync-grades';
import { singleSyncRuns } from '../common/sync-runs';
import { requestSingleRun, type SyncRunJoined } from '../../activities/single-sync-run';
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

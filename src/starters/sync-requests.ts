import type { Client } from '@temporalio/client';
import type { Mapping } from '../config/mapping-file';
import type { syncAttendance } from '../../workflows/sync-attendance';
import type { syncGrades } from '../../workflows/sync-grades';
import { StudentId, SyncKind } from '../common/search-attributes';
import { syncKinds } from '../common/sync-kinds';
import { taskQueues } from '../common/task-queues';
import { workflowIds } from '../common/workflow-ids';
import { attendanceSyncSettings, gradeSyncSettings } from './sync-settings';

/*
 * An operator's request (admin API or CLI) to sync now rather than wait for the nightly Schedule.
 */

/** Two requests in the same millisecond are one request. */
const sameMillisecondIsOneRequest = { workflowIdConflictPolicy: 'USE_EXISTING' } as const;

export interface GradeSyncRequest {
  /** One course: Moodle course idnumber or ERPNext Course name. */
  course?: string;
  /** One ERPNext Student. */
  student?: string;
}

/**
 * Starts the same workflow the schedule starts, now, optionally for one course or student.
 * Resolves once Temporal has durably accepted the start.
 */
export async function startGradeSync(client: Client, mapping: Mapping, request: GradeSyncRequest, now: Date = new Date()): Promise<{ workflowId: string }> {
  const workflowId = workflowIds.grades(now.toISOString());
  await client.workflow.start<typeof syncGrades>('syncGrades', {
    workflowId,
    taskQueue: taskQueues.workflows,
    args: [{ course: request.course, student: request.student, settings: gradeSyncSettings(mapping) }],
    ...sameMillisecondIsOneRequest,
    typedSearchAttributes: [{ key: SyncKind, value: syncKinds.grades }, ...(request.student ? [{ key: StudentId, value: request.student }] : [])],
  });
  return { workflowId };
}

/** Starts the attendance sync now, optionally for one course. */
export async function startAttendanceSync(client: Client, mapping: Mapping, request: { course?: string }, now: Date = new Date()): Promise<{ workflowId: string }> {
  const workflowId = workflowIds.attendance(now.toISOString());
  await client.workflow.start<typeof syncAttendance>('syncAttendance', {
    workflowId,
    taskQueue: taskQueues.workflows,
    args: [{ course: request.course, settings: attendanceSyncSettings(mapping) }],
    ...sameMillisecondIsOneRequest,
    typedSearchAttributes: [{ key: SyncKind, value: syncKinds.attendance }],
  });
  return { workflowId };
}

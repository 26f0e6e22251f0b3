import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { Mapping } from '../config/mapping-file';
import { syncAttendance, attendanceSyncSettings } from '../../workflows/sync-attendance';
import { syncGrades, gradeSyncSettings } from '../../workflows/sync-grades';
import { StudentId, SyncKind } from '../shared/search-attributes';
import { taskQueues } from '../shared/task-queues';
import { workflowIds } from '../shared/workflow-ids';

/*
 * When the grade and attendance syncs run: nightly Temporal Schedules, and on demand.
 */

/** Stable ids: `schedules apply` finds and updates these rather than adding new ones. */
export const scheduleIds = { grades: 'grades-nightly', attendance: 'attendance-nightly' } as const;

/**
 * Overlap SKIP: each run is incremental from the last completed run's watermark, so a run skipped
 * because the previous one is still going loses nothing; queueing them would only pile up work.
 * A run missed while the server was down is still started if it is no older than `catchupWindow`.
 */
const overlap = 'SKIP' as const;

/** A mapping-file duration such as `6h` or `90m`, checked before it reaches the server. */
function duration(text: string, field: string): Duration {
  if (!/^\d+(ms|s|m|h|d)$/.test(text)) throw new Error(`${field} must be a number with a unit (ms, s, m, h, d), e.g. "6h"; got "${text}"`);
  return text as Duration;
}

/** The Schedules for the nightly syncs, from the mapping file (cron, timezone, catch-up window, settings). */
export function scheduleDefinitions(mapping: Mapping): ScheduleOptions[] {
  const grades = mapping.grades.schedule;
  const attendance = mapping.attendance.schedule;
  return [
    {
      scheduleId: scheduleIds.grades,
      spec: { cronExpressions: [grades.cron], timezone: grades.timezone },
      // The server appends the scheduled time: runs are `grades:nightly-2026-11-26T02:00:00Z`.
      action: {
        type: 'startWorkflow',
        workflowType: syncGrades,
        workflowId: 'grades:nightly',
        taskQueue: taskQueues.workflows,
        args: [{ settings: gradeSyncSettings(mapping) }],
        typedSearchAttributes: [{ key: SyncKind, value: 'grades' }],
      },
      policies: { overlap, catchupWindow: duration(grades.catchupWindow, 'grades.schedule.catchupWindow') },
    },
    {
      scheduleId: scheduleIds.attendance,
      spec: { cronExpressions: [attendance.cron], timezone: attendance.timezone },
      action: {
        type: 'startWorkflow',
        workflowType: syncAttendance,
        workflowId: 'attendance:nightly',
        taskQueue: taskQueues.workflows,
        args: [{ settings: attendanceSyncSettings(mapping) }],
        typedSearchAttributes: [{ key: SyncKind, value: 'attendance' }],
      },
      policies: { overlap, catchupWindow: duration(attendance.catchupWindow, 'attendance.schedule.catchupWindow') },
    },
  ];
}

export interface AppliedSchedule {
  scheduleId: string;
  outcome: 'created' | 'updated';
}

/**
 * Creates each Schedule, or updates it in place when it exists (Temporal has no upsert), so
 * running it twice changes nothing and a changed mapping file takes effect. Pause state is kept:
 * an operator's pause survives a restart.
 */
export async function applySchedules(client: Client, mapping: Mapping): Promise<AppliedSchedule[]> {
  const applied: AppliedSchedule[] = [];
  for (const { scheduleId, ...definition } of scheduleDefinitions(mapping)) {
    try {
      await client.schedule.create({ scheduleId, ...definition });
      applied.push({ scheduleId, outcome: 'created' });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(scheduleId).update((previous) => ({
        ...previous,
        spec: definition.spec,
        action: definition.action,
        policies: { ...previous.policies, ...definition.policies },
      }));
      applied.push({ scheduleId, outcome: 'updated' });
    }
  }
  return applied;
}

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
  await client.workflow.start(syncGrades, {
    workflowId,
    taskQueue: taskQueues.workflows,
    args: [{ course: request.course, student: request.student, settings: gradeSyncSettings(mapping) }],
    // Two requests in the same millisecond are one request.
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [{ key: SyncKind, value: 'grades' }, ...(request.student ? [{ key: StudentId, value: request.student }] : [])],
  });
  return { workflowId };
}

/** Starts the attendance sync now, optionally for one course. */
export async function startAttendanceSync(client: Client, mapping: Mapping, request: { course?: string }, now: Date = new Date()): Promise<{ workflowId: string }> {
  const workflowId = workflowIds.attendance(now.toISOString());
  await client.workflow.start(syncAttendance, {
    workflowId,
    taskQueue: taskQueues.workflows,
    args: [{ course: request.course, settings: attendanceSyncSettings(mapping) }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [{ key: SyncKind, value: 'attendance' }],
  });
  return { workflowId };
}

import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';
import type { syncAttendance } from '../../workflows/sync-attendance';
import type { syncGrades } from '../../workflows/sync-grades';
import type { Mapping } from '../config/mapping-file';
import { SyncKind } from '../common/search-attributes';
import { syncKinds, type SyncKindValue } from '../common/sync-kinds';
import { taskQueues } from '../common/task-queues';
import { workflowIds } from '../common/workflow-ids';
import { changeFeedSchedules } from './change-feed-schedule';
import { completionSchedules } from './completion-sync';
import { electivePollSchedules } from './elective-poll-schedule';
import { attendanceSyncSettings, gradeSyncSettings } from './sync-settings';

/*
 * The clock's workflow starts: the grade and attendance syncs run nightly from Temporal Schedules.
 * On-demand runs of the same workflows start in sync-requests.ts.
 */

/** Stable ids: `schedules apply` finds and updates these rather than adding new ones. */
export const scheduleIds = { grades: 'grades-nightly', attendance: 'attendance-nightly' } as const;

/**
 * Overlap SKIP: each run is incremental from the last completed run's watermark, so a run skipped
 * because the previous one is still going loses nothing; queueing them would only pile up work.
 * The Schedule's run itself only hands its request to the kind's single run (src/common/sync-runs.ts),
 * which on-demand requests share, so the nightly never overlaps them either.
 * A run missed while the server was down is still started if it is no older than `catchupWindow`.
 */
const overlap = 'SKIP' as const;

/** One sync's Schedule: its mapping-file timing, and the start of the workflow it runs. */
function nightlySchedule(
  scheduleId: string,
  timing: Mapping['grades']['schedule'],
  start: { workflowType: string; workflowId: string; args: unknown[]; kind: SyncKindValue },
): ScheduleOptions {
  return {
    scheduleId,
    spec: { cronExpressions: [timing.cron], timezone: timing.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: start.workflowType,
      workflowId: start.workflowId,
      taskQueue: taskQueues.workflows,
      args: start.args,
      typedSearchAttributes: [{ key: SyncKind, value: start.kind }],
    },
    policies: { overlap, catchupWindow: timing.catchupWindow },
  };
}

/** The Schedules for the nightly syncs, from the mapping file (cron, timezone, catch-up window, settings). */
export function scheduleDefinitions(mapping: Mapping): ScheduleOptions[] {
  return [
    // The server appends the scheduled time: runs are `grades:nightly-2026-11-26T02:00:00Z`.
    nightlySchedule(scheduleIds.grades, mapping.grades.schedule, {
      workflowType: 'syncGrades',
      workflowId: workflowIds.grades('nightly'),
      args: [{ settings: gradeSyncSettings(mapping) }] satisfies Parameters<typeof syncGrades>,
      kind: syncKinds.grades,
    }),
    nightlySchedule(scheduleIds.attendance, mapping.attendance.schedule, {
      workflowType: 'syncAttendance',
      workflowId: workflowIds.attendance('nightly'),
      args: [{ settings: attendanceSyncSettings(mapping) }] satisfies Parameters<typeof syncAttendance>,
      kind: syncKinds.attendance,
    }),
    ...electivePollSchedules(mapping),
    ...changeFeedSchedules(mapping),
    ...completionSchedules(mapping),
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

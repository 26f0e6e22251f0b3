import type { Client, ScheduleOptions } from '@temporalio/client';
import type { Mapping } from '../config/mapping-file';
import type { CompletionSyncSettings, syncCompletions } from '../../workflows/sync-completions';
import { rosterWorkflowIds } from '../common/roster-ids';
import { SyncKind } from '../common/search-attributes';
import { syncKinds } from '../common/sync-kinds';
import { taskQueues } from '../common/task-queues';

/** Courses one completion run handles before it continues as new (as the other course syncs). */
const coursesPerRun = 500;

/** Completion sync input from the mapping file; the Schedule, the admin route and the CLI start runs with it alike. */
export function completionSyncSettings(mapping: Mapping): CompletionSyncSettings {
  const { schedule, parallelism } = mapping.completions;
  return { courses: mapping.courses, parallelism, coursesPerRun, studentRoleId: mapping.moodle.studentRoleId, timeZone: schedule.timezone };
}

export const completionScheduleId = 'completions-nightly';

/** The nightly completion Schedule: overlap SKIP and the mapping's catch-up window, like the grade and attendance ones. */
export function completionSchedules(mapping: Mapping): ScheduleOptions[] {
  const timing = mapping.completions.schedule;
  return [
    {
      scheduleId: completionScheduleId,
      spec: { cronExpressions: [timing.cron], timezone: timing.timezone },
      action: {
        type: 'startWorkflow',
        workflowType: 'syncCompletions',
        workflowId: rosterWorkflowIds.completions('nightly'),
        taskQueue: taskQueues.workflows,
        args: [{ settings: completionSyncSettings(mapping) }] satisfies Parameters<typeof syncCompletions>,
        typedSearchAttributes: [{ key: SyncKind, value: syncKinds.completions }],
      },
      policies: { overlap: 'SKIP', catchupWindow: timing.catchupWindow },
    },
  ];
}

/** Starts the completion sync now (admin route, CLI), optionally for one course. */
export async function startCompletionSync(client: Client, mapping: Mapping, request: { course?: string }, now: Date = new Date()): Promise<{ workflowId: string; runId: string }> {
  const workflowId = rosterWorkflowIds.completions(now.toISOString());
  const handle = await client.workflow.start<typeof syncCompletions>('syncCompletions', {
    workflowId,
    taskQueue: taskQueues.workflows,
    args: [{ course: request.course, settings: completionSyncSettings(mapping) }],
    // Two requests in the same millisecond are one request.
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [{ key: SyncKind, value: syncKinds.completions }],
  });
  return { workflowId, runId: handle.firstExecutionRunId };
}

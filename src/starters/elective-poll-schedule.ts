import type { ScheduleOptions } from '@temporalio/client';
import type { pollPaidEnrolments } from '../../workflows/poll-paid-enrolments';
import type { Mapping } from '../config/mapping-file';
import { electivesPolicy } from '../mapping/electives';
import { SyncKind } from '../common/search-attributes';
import { syncKinds } from '../common/sync-kinds';
import { taskQueues } from '../common/task-queues';
import { workflowIds } from '../common/workflow-ids';

export const electivePollScheduleId = 'electives-poll';

/**
 * The Schedule polling the paid courses' enrolments (`electives.poll`), beside the nightly syncs
 * and applied with them; none while the mapping names no paid elective. Overlap SKIP: every tick
 * lists the full rosters, so a skipped one loses nothing.
 */
export function electivePollSchedules(mapping: Mapping): ScheduleOptions[] {
  if (Object.keys(mapping.electives.courses).length === 0) return [];
  const { poll } = mapping.electives;
  return [
    {
      scheduleId: electivePollScheduleId,
      spec: { cronExpressions: [poll.cron], timezone: poll.timezone },
      action: {
        type: 'startWorkflow',
        workflowType: 'pollPaidEnrolments',
        workflowId: workflowIds.electivePoll('scheduled'),
        taskQueue: taskQueues.workflows,
        args: [{ policy: electivesPolicy(mapping) }] satisfies Parameters<typeof pollPaidEnrolments>,
        typedSearchAttributes: [{ key: SyncKind, value: syncKinds.electivePoll }],
      },
      policies: { overlap: 'SKIP', catchupWindow: poll.catchupWindow },
    },
  ];
}

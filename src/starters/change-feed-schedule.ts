import type { ScheduleOptions } from '@temporalio/client';
import type { changeFeed } from '../../workflows/change-feed';
import type { Mapping } from '../config/mapping-file';
import { lifecyclePolicy } from '../mapping/lifecycle-policy';
import { rosterDefaults } from './roster-events';
import { SyncKind } from '../common/search-attributes';
import { syncKinds } from '../common/sync-kinds';
import { taskQueues } from '../common/task-queues';
import { workflowIds } from '../common/workflow-ids';

export const changeFeedScheduleId = 'change-feed';

/** The change feed's settings from the mapping file, as its workflow input. */
export function changeFeedInput(mapping: Mapping): Parameters<typeof changeFeed>[0] {
  const { overlap, pageSize, deletionCheckInterval } = mapping.changeFeed;
  return { policy: lifecyclePolicy(mapping), overlapMs: overlap, pageSize, deletionCheckIntervalMs: deletionCheckInterval, roster: rosterDefaults(mapping) };
}

/**
 * The Schedule running the change feed every `changeFeed.interval`, applied with the nightly
 * syncs. Overlap SKIP and a short catch-up window: each run continues from the last one's
 * watermark, so a skipped or missed tick loses nothing, the next run lists it.
 */
export function changeFeedSchedules(mapping: Mapping): ScheduleOptions[] {
  return [
    {
      scheduleId: changeFeedScheduleId,
      spec: { intervals: [{ every: mapping.changeFeed.interval }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'changeFeed',
        // The server appends the scheduled time: `change-feed:scheduled-2026-11-26T02:01:00Z`.
        workflowId: workflowIds.changeFeed('scheduled'),
        taskQueue: taskQueues.workflows,
        args: [changeFeedInput(mapping)] satisfies Parameters<typeof changeFeed>,
        typedSearchAttributes: [{ key: SyncKind, value: syncKinds.changeFeed }],
      },
      policies: { overlap: 'SKIP', catchupWindow: Math.max(mapping.changeFeed.interval, 10_000) },
    },
  ];
}

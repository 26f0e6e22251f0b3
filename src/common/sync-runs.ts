import { syncKinds } from './sync-kinds';
import { workflowIds } from './workflow-ids';

/**
 * One grade sync and one attendance sync at a time. Every on-demand request goes to the kind's
 * single run (`grades:run`) by signal-with-start: it starts that run, joins it when the run
 * already covers the same scope, or is queued as a follow-up the run continues as new into. The
 * nightly Schedule's runs (`grades:nightly-<time>`; Temporal appends the time, so they cannot
 * take the single id themselves) hand their request over the same way and finish. Per-course
 * children are `<single run>/<course>`, so two of the same course never run at once either.
 */
export const singleSyncRuns = {
  grades: { workflowType: 'syncGrades', workflowId: workflowIds.grades('run'), scheduledIdPrefix: workflowIds.grades('nightly'), syncKind: syncKinds.grades },
  attendance: { workflowType: 'syncAttendance', workflowId: workflowIds.attendance('run'), scheduledIdPrefix: workflowIds.attendance('nightly'), syncKind: syncKinds.attendance },
} as const;

/** The signal a request is handed to the single run with (its argument: the workflow input). */
export const syncRequestedSignal = 'syncRequested';

export type SingleSyncRun = (typeof singleSyncRuns)[keyof typeof singleSyncRuns];

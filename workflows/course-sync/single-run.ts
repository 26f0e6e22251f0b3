import { defineSignal, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { StudentId } from '../../src/common/search-attributes';
import { syncRequestedSignal, type SingleSyncRun } from '../../src/common/sync-runs';
import type { SyncActivities } from '../sync-activities';
import { emptySyncReport, type CourseSyncCounts, type SyncReport } from './sync-report';

/** A kind's single run (src/common/sync-runs.ts) and what makes two of its requests the same one. */
export interface SingleRun<Input> {
  run: SingleSyncRun;
  /** The part of an input that says what it covers (course, student): a request of the running run's scope joins it. */
  scope(input: Input): string;
  /** The Student a per-student request covers (StudentId); absent for a kind that has none. */
  student?(input: Input): string | undefined;
}

/** The patch under which the single run shows the Student of a per-student request in StudentId. */
export const singleRunStudentPatch = 'single-sync-run-student-id';

/**
 * The single run serves one request per run (each follow-up is a continue-as-new, which keeps the
 * search attributes of the run before it), so each run sets StudentId to its own request's Student,
 * or clears it. A request that started the run carries it already (activities/single-sync-run.ts).
 */
export function showRequestStudent<Input>(single: SingleRun<Input>, input: Input): void {
  if (!single.student) return;
  const student = single.student(input) ?? null;
  const shown = workflowInfo().typedSearchAttributes.get(StudentId) ?? null;
  // Runs from before this change left StudentId alone: replaying one, patched() is false.
  if (student !== shown && patched(singleRunStudentPatch)) upsertSearchAttributes([{ key: StudentId, value: student }]);
}

/** The request a run stands for: its input without the state carried between runs. */
function requestOf<Input extends { carry?: unknown; queued?: unknown; watermarks?: unknown }>(input: Input): Omit<Input, 'carry' | 'queued' | 'watermarks'> {
  const { carry: _carry, queued: _queued, watermarks: _watermarks, ...request } = input;
  return request;
}

/**
 * A Schedule's run does no work of its own: it hands its request to the single run (starting it,
 * joining it, or queued behind it) and finishes, so the nightly never overlaps an on-demand run.
 */
export async function handOverScheduledRun<Input extends { carry?: unknown; queued?: unknown; watermarks?: unknown }, Course extends CourseSyncCounts>(
  single: SingleRun<Input>,
  input: Input,
  { temporal }: SyncActivities,
): Promise<SyncReport<Course>> {
  const handedOverTo = await temporal.temporalRequestSingleRun({ run: single.run, input: requestOf(input) });
  return { ...emptySyncReport<Course>({}), handedOverTo };
}

/**
 * The single run's queue of requests that arrived while it ran. One of its own scope is joined
 * (this run covers it); one of a scope already queued replaces that entry (its settings are the
 * newer); any other waits its turn. `next` is the follow-up to continue as new into.
 */
export function queueRequests<Input extends { queued?: unknown[]; watermarks?: Record<string, number> }>(single: SingleRun<Input>, input: Input) {
  // Only this kind's starters and Schedule runs signal this run, each with an input of this kind.
  const queued = [...((input.queued ?? []) as Input[])];
  const own = single.scope(input);
  setHandler(defineSignal<[Input]>(syncRequestedSignal), (request) => {
    const scope = single.scope(request);
    if (scope === own) return;
    const at = queued.findIndex((waiting) => single.scope(waiting) === scope);
    if (at >= 0) queued[at] = request;
    else queued.push(request);
  });
  return {
    scopes: (): string[] => queued.map(single.scope),
    waiting: (): Input[] => queued,
    /** The first queued request, carrying the rest of the queue and the watermarks this run ends with. */
    next(watermarks: Record<string, number>): Input | undefined {
      const [first, ...rest] = queued;
      return first === undefined ? undefined : { ...first, queued: rest, watermarks };
    },
  };
}

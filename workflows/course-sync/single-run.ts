import { defineSignal, setHandler } from '@temporalio/workflow';
import { syncRequestedSignal, type SingleSyncRun } from '../../src/common/sync-runs';
import type { SyncActivities } from '../sync-activities';
import { emptySyncReport, type CourseSyncCounts, type SyncReport } from './sync-report';

/** A kind's single run (src/common/sync-runs.ts) and what makes two of its requests the same one. */
export interface SingleRun<Input> {
  run: SingleSyncRun;
  /** The part of an input that says what it covers (course, student): a request of the running run's scope joins it. */
  scope(input: Input): string;
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

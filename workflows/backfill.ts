import type { Duration } from '@temporalio/common';
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  executeChild,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { backfillLimits } from '../src/common/backfill-limits';
import { massChangeVerdict, type MassChangeLimits, type MassChangeVerdict } from '../src/common/mass-change-breaker';
import { workflowIds } from '../src/common/workflow-ids';
import { backfillActivities, type BackfillRetry } from './backfill-activities';
import { nextBatch } from './backfill-pages';
import { backfillBatch, noCounts, type BackfillBatchResult, type BackfillCounts, type BackfillIssue, type PlanRow } from './backfill-batch';

export interface BackfillInput {
  /** Plan only: counts, the plan's rows and conflicts; nothing is written. */
  dryRun: boolean;
  /** Only these Students (re-running failed records); every Student when absent. */
  students?: string[];
  /** The mass-change breaker; null = no breaker (the operator approved up front). */
  limits: MassChangeLimits | null;
  /** How long a parked run waits for a go-ahead before it ends without writing. */
  approvalTimeout?: Duration;
  roleId: number;
  auth: string;
  batchSize?: number;
  parallelism?: number;
  /** Batches a run starts before it continues as new; default backfillLimits.batchesPerRun. */
  batchesPerRun?: number;
  /** Plan rows the result lists (the first ones, in name order); default backfillLimits.planRows. */
  planRows?: number;
  /** Faster activity retries than the default (see BackfillRetry); the batches get the same. */
  retry?: BackfillRetry;
  /** Where the previous run stopped (continue-as-new); absent on the first run. */
  carried?: BackfillState;
}

export type BackfillPhase = 'plan' | 'sync';

export interface GoAhead {
  approve: boolean;
  by?: string;
}

/** Everything the run knows, carried across continue-as-new and shown by the progress query. */
export interface BackfillState {
  phase: BackfillPhase;
  status: 'running' | 'paused' | 'awaiting-go-ahead' | 'done';
  startedAt: string;
  total: number;
  /** Students finished in this phase. */
  done: number;
  /** Name cursor of the next page (every Student), or offset into `students` (a re-run by id). */
  cursor: string | null;
  offset: number;
  batch: number;
  exhausted: boolean;
  programCourses: Record<string, number[]>;
  /** Course idnumbers of programs that have no Moodle course: reported, never fatal. */
  missingCourses: string[];
  /** What the writes would do (the plan phase), then what they did (the sync phase). */
  planned: BackfillCounts | null;
  counts: BackfillCounts;
  verdict: MassChangeVerdict | null;
  goAhead: GoAhead | null;
  issueCount: number;
  issues: BackfillIssue[];
  plan: PlanRow[];
  paused: boolean;
}

export interface BackfillResult {
  dryRun: boolean;
  /** False when the breaker tripped and the operator said no (or nobody answered in time). */
  wrote: boolean;
  total: number;
  planned: BackfillCounts | null;
  counts: BackfillCounts;
  verdict: MassChangeVerdict | null;
  goAhead: GoAhead | null;
  missingCourses: string[];
  issueCount: number;
  issues: BackfillIssue[];
  plan: PlanRow[];
}

export const backfillProgressQuery = defineQuery<BackfillState>('backfillProgress');
/** Stop starting batches (those in flight finish); answers the state. */
export const pauseBackfillUpdate = defineUpdate<BackfillState>('pauseBackfill');
export const resumeBackfillUpdate = defineUpdate<BackfillState>('resumeBackfill');
/** The go-ahead for a run the mass-change breaker parked. */
export const approveBackfillUpdate = defineUpdate<BackfillState, [GoAhead]>('approveBackfill');

function add(a: BackfillCounts, b: BackfillCounts): BackfillCounts {
  const sum = { ...a };
  for (const key of Object.keys(sum) as (keyof BackfillCounts)[]) sum[key] += b[key];
  return sum;
}

async function firstState(input: BackfillInput): Promise<BackfillState> {
  const { erpnext, moodle } = backfillActivities(input.retry);
  const total = input.students ? input.students.length : await erpnext.erpnextBackfillCount();
  const idnumbersOf = await erpnext.erpnextBackfillProgramCourses();
  const resolution = await moodle.moodleResolveCourses([...new Set(Object.values(idnumbersOf).flat())]);
  const ids = new Map(resolution.courses.map((c) => [c.idnumber, c.id]));
  const programCourses = Object.fromEntries(Object.entries(idnumbersOf).map(([program, idnumbers]) => [program, idnumbers.flatMap((i) => (ids.has(i) ? [ids.get(i)!] : []))]));
  return {
    phase: input.dryRun || input.limits ? 'plan' : 'sync',
    status: 'running',
    startedAt: new Date().toISOString(),
    total,
    done: 0,
    cursor: null,
    offset: 0,
    batch: 0,
    exhausted: false,
    programCourses,
    missingCourses: resolution.missing,
    planned: null,
    counts: noCounts,
    verdict: null,
    goAhead: null,
    issueCount: 0,
    issues: [],
    plan: [],
    paused: false,
  };
}

/** Marks runs with backfillLimits' batches in flight and per run (issue 12); older histories replay with these. */
const widerRunsPatch = 'backfill-wider-runs';
const recordedBeforeWiderRuns = { parallelism: 8, batchesPerRun: 20 } as const;

/**
 * The go-live backfill: every ERPNext Student (or the named ones) gets its Moodle account (found,
 * linked or created), its programs' enrolments and its link written back, batch by batch in child
 * workflows, a few in parallel. With a breaker (or `dryRun`) a planning pass runs first and
 * writes nothing; a plan past the limits parks for an operator's go-ahead naming the numbers.
 * The run continues as new every few batches, carrying its cursor and counters.
 */
export async function backfill(input: BackfillInput): Promise<BackfillResult> {
  const state = input.carried ?? (await firstState(input));
  state.status = state.paused ? 'paused' : state.status === 'awaiting-go-ahead' ? state.status : 'running';
  setHandler(backfillProgressQuery, () => state);
  setHandler(pauseBackfillUpdate, () => {
    state.paused = true;
    if (state.status === 'running') state.status = 'paused';
    return state;
  });
  setHandler(resumeBackfillUpdate, () => {
    state.paused = false;
    if (state.status === 'paused') state.status = 'running';
    return state;
  });
  setHandler(
    approveBackfillUpdate,
    (answer) => {
      state.goAhead = answer;
      return state;
    },
    {
      validator: (_answer: GoAhead) => {
        if (state.status !== 'awaiting-go-ahead' || state.goAhead) throw new Error('this backfill is not waiting for a go-ahead');
      },
    },
  );

  const batchSize = Math.min(input.batchSize ?? backfillLimits.batchSize, input.students ? backfillLimits.namesPerRequest : Infinity);
  const wider = patched(widerRunsPatch);
  const usual = wider ? backfillLimits : recordedBeforeWiderRuns;
  const parallelism = input.parallelism ?? usual.parallelism;
  const batchesPerRun = input.batchesPerRun ?? usual.batchesPerRun;
  const dryPhase = state.phase === 'plan';

  const planRowLimit = input.planRows ?? backfillLimits.planRows;
  // Rows promised to batches in flight: each planning batch returns only rows the run will list.
  let planRowsPromised = 0;

  const record = (result: BackfillBatchResult, unread: BackfillIssue[]) => {
    state.counts = add(state.counts, result.counts);
    const issues = [...unread, ...result.issues];
    state.issueCount += issues.length;
    state.counts.failed += unread.length;
    state.issues.push(...issues.slice(0, Math.max(0, backfillLimits.listedIssues - state.issues.length)));
    if (result.plan) state.plan.push(...result.plan.slice(0, Math.max(0, planRowLimit - state.plan.length)));
    state.done += result.counts.students + unread.length;
  };

  const inFlight = new Map<number, Promise<void>>();
  // A batch that fails (a refusal that concerns every record, such as a missing capability) ends the run.
  let batchFailure: unknown;
  let startedThisRun = 0;
  while (!state.exhausted && startedThisRun < batchesPerRun) {
    await condition(() => batchFailure !== undefined || (!state.paused && inFlight.size < parallelism));
    if (batchFailure !== undefined) throw batchFailure;
    const { students, unread } = await nextBatch(input, state, batchSize, wider);
    // A pause that arrived while the page was being read holds its batch too: paused, nothing new starts.
    if (patched('pause-holds-the-batch-being-read')) await condition(() => !state.paused);
    if (!students) {
      record({ counts: noCounts, issues: [] }, unread);
      continue;
    }
    const batch = state.batch++;
    startedThisRun++;
    const planRows = dryPhase ? Math.min(batchSize, Math.max(0, planRowLimit - state.plan.length - planRowsPromised)) : undefined;
    planRowsPromised += planRows ?? 0;
    const run = executeChild(backfillBatch, {
      workflowId: workflowIds.backfillBatch(workflowInfo().workflowId, state.phase, batch),
      args: [{ ...students, programCourses: state.programCourses, roleId: input.roleId, auth: input.auth, dryRun: dryPhase, planRows, retry: input.retry }],
    }).then(
      (result) => {
        planRowsPromised -= planRows ?? 0;
        record(result, [...unread, ...(result.unread ?? [])]);
        inFlight.delete(batch);
      },
      (err: unknown) => {
        batchFailure = err;
      },
    );
    inFlight.set(batch, run);
  }
  await Promise.all(inFlight.values());
  if (batchFailure !== undefined) throw batchFailure;

  if (!state.exhausted) {
    await condition(allHandlersFinished);
    return continueAsNew<typeof backfill>({ ...input, carried: state });
  }
  if (state.phase === 'plan' && !input.dryRun) return decideAndSync(input, state);
  // A dry run says whether the real run would park.
  if (input.dryRun && input.limits) state.verdict = massChangeVerdict(state.counts.changed, state.total, input.limits);
  state.status = 'done';
  return result(input, state, true);
}

/** After the plan: write at once within the limits, otherwise park until an operator decides. */
async function decideAndSync(input: BackfillInput, state: BackfillState): Promise<BackfillResult> {
  state.planned = state.counts;
  state.verdict = massChangeVerdict(state.counts.changed, state.total, input.limits ?? undefined);
  if (!state.verdict.proceed) {
    state.status = 'awaiting-go-ahead';
    await condition(() => state.goAhead !== null, input.approvalTimeout ?? '7 days');
    if (!state.goAhead?.approve) {
      state.status = 'done';
      return result(input, state, false);
    }
  }
  // The planning pass's own issues are found again by the writes: list only theirs.
  const next: BackfillState = { ...state, phase: 'sync', status: 'running', done: 0, cursor: null, offset: 0, exhausted: false, counts: noCounts, issueCount: 0, issues: [], plan: [] };
  await condition(allHandlersFinished);
  return continueAsNew<typeof backfill>({ ...input, carried: next });
}

function result(input: BackfillInput, state: BackfillState, wrote: boolean): BackfillResult {
  return {
    dryRun: input.dryRun,
    wrote: wrote && !input.dryRun,
    total: state.total,
    planned: state.planned ?? (input.dryRun ? state.counts : null),
    counts: state.counts,
    verdict: state.verdict,
    goAhead: state.goAhead,
    missingCourses: state.missingCourses,
    issueCount: state.issueCount,
    issues: state.issues,
    plan: state.plan,
  };
}

import type { Duration } from '@temporalio/common';
import { condition, defineQuery, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ErpnextOperationsActivities, MoodleOperationsActivities, TemporalOperationsActivities } from '../activities/operations';
import type { LifecyclePolicy } from '../src/mapping/lifecycle-policy';
import type { HealOutcome } from '../src/reconcile/heal-starts';
import type { ReconcileReport } from '../src/reconcile/reconcile-drift';
import { defaultMassChangeLimits, massChangeVerdict, type MassChangeLimits, type MassChangeVerdict } from '../src/common/mass-change-breaker';
import { taskQueues } from '../src/common/task-queues';
import { syncActivityOptions } from './activity-options';

export interface ReconcileInput {
  /** Start the normal workflows for what can be healed safely; otherwise only report. */
  heal: boolean;
  policy: LifecyclePolicy;
  /** The mapping file's `courses` (ERPNext Course → Moodle idnumber), for the grade counts. */
  courseMap: Record<string, string>;
  limits?: MassChangeLimits;
  /** How long a tripped breaker waits for a go-ahead before the run completes without healing. */
  approvalTimeout?: Duration;
}

export interface HealGoAhead {
  approve: boolean;
  /** Who decided, for the history. */
  by?: string;
}

export interface ReconcileResult {
  report: ReconcileReport;
  /** null without `heal`. */
  heal: {
    verdict: MassChangeVerdict;
    /** The operator's answer when the breaker tripped; absent when it did not (or nobody answered). */
    goAhead?: HealGoAhead;
    started: HealOutcome[];
  } | null;
}

/** What the run is doing or waiting on, for `status` and the admin API. */
export type ReconcileProgress =
  | { state: 'comparing' }
  | { state: 'awaiting-go-ahead'; verdict: MassChangeVerdict; since: string }
  | { state: 'healing' | 'done' };

/** The operator's go-ahead (or no) for a heal that tripped the mass-change breaker. */
export const healGoAheadUpdate = defineUpdate<HealGoAhead, [HealGoAhead]>('healGoAhead');
export const reconcileProgressQuery = defineQuery<ReconcileProgress>('reconcileProgress');
/** The report, once compared: a parked run shows what it would heal. */
export const reconcileReportQuery = defineQuery<ReconcileReport | null>('reconcileReport');

const { moodleReconcileSnapshot } = proxyActivities<MoodleOperationsActivities>({ ...syncActivityOptions, taskQueue: taskQueues.moodle });
const { erpnextReconcileSnapshot } = proxyActivities<ErpnextOperationsActivities>({ ...syncActivityOptions, taskQueue: taskQueues.erpnext });
const temporal = proxyActivities<TemporalOperationsActivities>({ ...syncActivityOptions, heartbeatTimeout: '30 seconds', taskQueue: taskQueues.workflows });

/**
 * Compares both systems (Schedule `reconcile-nightly`, or on demand) and, with `heal`, starts the
 * onboarding, enrolment and profile workflows for what they can repair. What needs a person
 * (identity questions, enrolments no Program Enrollment covers) is only reported. A heal larger
 * than the mass-change limits waits for an operator's go-ahead naming the numbers.
 */
export async function reconcile(input: ReconcileInput): Promise<ReconcileResult> {
  let progress: ReconcileProgress = { state: 'comparing' };
  let report: ReconcileReport | null = null;
  let goAhead: HealGoAhead | undefined;
  setHandler(reconcileProgressQuery, () => progress);
  setHandler(reconcileReportQuery, () => report);
  setHandler(
    healGoAheadUpdate,
    (answer) => {
      goAhead = answer;
      return answer;
    },
    {
      validator: (_answer: HealGoAhead) => {
        if (progress.state !== 'awaiting-go-ahead' || goAhead !== undefined) throw new Error('this run is not waiting for a go-ahead');
      },
    },
  );

  const [erp, moodle] = await Promise.all([erpnextReconcileSnapshot(), moodleReconcileSnapshot()]);
  report = await temporal.operationsCompareSnapshots(erp, moodle, input.courseMap);
  if (!input.heal) {
    progress = { state: 'done' };
    return { report, heal: null };
  }

  const verdict = massChangeVerdict(report.heal.length, report.students, input.limits ?? defaultMassChangeLimits);
  if (!verdict.proceed) {
    progress = { state: 'awaiting-go-ahead', verdict, since: new Date().toISOString() };
    await condition(() => goAhead !== undefined, input.approvalTimeout ?? '7 days');
    if (!goAhead?.approve) {
      progress = { state: 'done' };
      return { report, heal: { verdict, goAhead, started: [] } };
    }
  }
  progress = { state: 'healing' };
  const started = report.heal.length === 0 ? [] : await temporal.operationsStartHealing(report.heal, input.policy);
  progress = { state: 'done' };
  return { report, heal: { verdict, goAhead, started } };
}

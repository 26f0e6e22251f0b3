import { ScheduleAlreadyRunning, WorkflowUpdateFailedError, type Client, type ScheduleOptions, type WorkflowHandle } from '@temporalio/client';
import { healGoAheadUpdate, type HealGoAhead, type reconcile, type ReconcileInput } from '../../workflows/reconcile';
import type { Mapping } from '../config/mapping-file';
import { lifecyclePolicy } from '../mapping/lifecycle-policy';
import type { MassChangeLimits } from '../common/mass-change-breaker';
import { SyncKind } from '../common/search-attributes';
import { syncKinds } from '../common/sync-kinds';
import { taskQueues } from '../common/task-queues';

/** `reconcile:<ISO time>` on demand; the Schedule's runs get the scheduled time appended by the server. */
export const reconcileWorkflowId = (at: string) => `reconcile:${at}`;
export const reconcileScheduleId = 'reconcile-nightly';

function reconcileInput(mapping: Mapping, heal: boolean, limits?: MassChangeLimits): ReconcileInput {
  return { heal, policy: lifecyclePolicy(mapping), courseMap: mapping.courses, limits };
}

/** Starts a reconcile run now; the caller may wait for its result. */
export async function startReconcile(client: Client, mapping: Mapping, options: { heal: boolean; limits?: MassChangeLimits; now?: Date }): Promise<WorkflowHandle<typeof reconcile>> {
  return client.workflow.start<typeof reconcile>('reconcile', {
    workflowId: reconcileWorkflowId((options.now ?? new Date()).toISOString()),
    taskQueue: taskQueues.workflows,
    args: [reconcileInput(mapping, options.heal, options.limits)],
    typedSearchAttributes: [{ key: SyncKind, value: syncKinds.reconcile }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

export type GoAheadOutcome = { accepted: HealGoAhead } | { refused: string };

/** The operator's answer to a run parked by the mass-change breaker. */
export async function answerReconcileGoAhead(client: Client, workflowId: string, answer: HealGoAhead): Promise<GoAheadOutcome> {
  const handle = client.workflow.getHandle(workflowId);
  const status = (await handle.describe()).status.name;
  // An update to a closed run is a NOT_FOUND from the server, not a validator's refusal.
  if (status !== 'RUNNING') return { refused: `the run is ${status.toLowerCase()}, not waiting for a go-ahead` };
  try {
    return { accepted: await handle.executeUpdate(healGoAheadUpdate, { args: [answer] }) };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return { refused: err.cause?.message ?? err.message };
    throw err;
  }
}

/** Nightly at 03:30 with heal: the breaker stops a run that would change too much. */
export function reconcileSchedule(mapping: Mapping, cron = '30 3 * * *'): ScheduleOptions {
  return {
    scheduleId: reconcileScheduleId,
    spec: { cronExpressions: [cron], timezone: mapping.grades.schedule.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: 'reconcile',
      workflowId: 'reconcile:nightly',
      taskQueue: taskQueues.workflows,
      args: [reconcileInput(mapping, true)],
      typedSearchAttributes: [{ key: SyncKind, value: syncKinds.reconcile }],
    },
    policies: { overlap: 'SKIP' },
  };
}

/** Creates the Schedule or updates it in place (keeping an operator's pause). */
export async function applyReconcileSchedule(client: Client, mapping: Mapping): Promise<'created' | 'updated'> {
  const wanted = reconcileSchedule(mapping);
  try {
    await client.schedule.create(wanted);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(wanted.scheduleId).update((previous) => ({ ...previous, spec: wanted.spec, action: wanted.action, policies: { ...previous.policies, overlap: 'SKIP' } }));
    return 'updated';
  }
}

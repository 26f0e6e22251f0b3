import type { Client } from '@temporalio/client';
import { mappingSchema } from '../../../src/config/mapping-file';
import { answerReconcileGoAhead, startReconcile } from '../../../src/operations/reconcile-runs';
import { changeFeedInput } from '../../../src/starters/change-feed-schedule';
import { taskQueues } from '../../../src/common/task-queues';
import { workflowIds } from '../../../src/common/workflow-ids';
import { demoStudents } from '../../../sandboxes/demo-data';
import { backfillProgressQuery } from '../../../workflows/backfill';
import type { changeFeed } from '../../../workflows/change-feed';
import type { ProvisionAllInput } from '../../../workflows/provision-all';
import { reconcileProgressQuery } from '../../../workflows/reconcile';
import { startBackfillStack } from '../../backfill/backfill-stack';
import { setWebhooksEnabled } from '../../durability/feed-support';
import { startSyncStack } from '../../grades/sync-stack';
import { startLifecycleStack } from '../../lifecycle/lifecycle-stack';
import type { HistoryRecorder } from './history-recorder';
import { until } from './workflow-waits';

/*
 * The operator's workflows: backfill (with its batches), the change feed, reconcile and roster
 * provisioning (with its per-course children), each on a stack of its own so every scenario
 * starts from the demo data.
 */

/**
 * The latest run of a workflow id (`continued`, started by a continue-as-new) and the run that
 * continued as new into it (`continue-as-new`).
 */
async function recordCut(recorder: HistoryRecorder, client: Client, workflowType: string, workflowId: string): Promise<void> {
  const latest = await client.workflow.getHandle(workflowId).fetchHistory();
  const previous = latest.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
  if (!previous) throw new Error(`${workflowId}: the latest run was not started by a continue-as-new`);
  await recorder.record(client, { workflowType, scenario: 'continue-as-new', workflowId, runId: previous });
  await recorder.record(client, { workflowType, scenario: 'continued', workflowId });
}

/** The id of the first child workflow a run started (whose id holds `part`, when given). */
async function firstChild(client: Client, workflowId: string, runId?: string, part = ''): Promise<string> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const [child] = (history.events ?? []).flatMap((event) => event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? []).filter((id) => id.includes(part));
  if (!child) throw new Error(`${workflowId} started no child workflow`);
  return child;
}

/**
 * A dry run (`happy`, with one of its batches); a run the mass-change breaker parks until the
 * operator's approval (an update), with one of the batches that then wrote (`writes`); on fresh
 * data, a run of small batches that continues as new.
 */
export async function recordBackfill(recorder: HistoryRecorder): Promise<void> {
  const stack = await startBackfillStack({ extra: 5 });
  try {
    const { client } = stack.env;
    const dry = await stack.start({ dryRun: true }, 'backfill:replay-happy');
    await dry.result();
    await recorder.record(client, { workflowType: 'backfill', scenario: 'happy', workflowId: dry.workflowId });
    await recorder.record(client, { workflowType: 'backfillBatch', scenario: 'happy', workflowId: await firstChild(client, dry.workflowId) });

    const parked = await stack.start({ limits: { maxChanges: 3, maxShare: 0.05 } }, 'backfill:replay-parked');
    await until('the breaker to park the backfill', () => parked.query(backfillProgressQuery), (state) => state.status === 'awaiting-go-ahead');
    const parkedRunId = (await parked.describe()).runId;
    await parked.executeUpdate('approveBackfill', { args: [{ approve: true, by: 'replay recorder' }] });
    await parked.result();
    await recorder.record(client, { workflowType: 'backfill', scenario: 'parked', workflowId: parked.workflowId, runId: parkedRunId });
    // Its first batch of the go-ahead's writes (the plan before it ran batches that wrote nothing).
    await recorder.record(client, { workflowType: 'backfillBatch', scenario: 'writes', workflowId: await firstChild(client, parked.workflowId, undefined, '/sync-') });
  } finally {
    await stack.close();
  }
  const fresh = await startBackfillStack({ extra: 5 });
  try {
    // Two students a batch, 20 batches a run: it continues as new.
    const run = await fresh.start({ batchSize: 2, batchesPerRun: 20 }, 'backfill:replay-continue-as-new');
    await run.result();
    await recordCut(recorder, fresh.env.client, 'backfill', run.workflowId);
  } finally {
    await fresh.close();
  }
}

/**
 * Webhooks off, as when deliveries are lost. A first run starts from now; Students then edited
 * are caught by the second (`happy`). No continue-as-new is recorded: with rows crowded inside the
 * overlap margin the continued runs never finished (written in the coordination notes).
 */
export async function recordChangeFeed(recorder: HistoryRecorder): Promise<void> {
  const stack = await startLifecycleStack();
  try {
    const { client } = stack.env;
    const mapping = mappingSchema.parse({ changeFeed: { overlap: '1s' } });
    const feed = (suffix: string) =>
      client.workflow.start<typeof changeFeed>('changeFeed', { workflowId: workflowIds.changeFeed(suffix), taskQueue: taskQueues.workflows, args: [changeFeedInput(mapping)] });
    await setWebhooksEnabled(stack.erp, false);
    await (await feed('replay-first')).result();
    for (const student of demoStudents.slice(0, 2)) await stack.erp.update('Student', student.name, { city: 'Replay Feed' });
    const happy = await feed('replay-happy');
    await happy.result();
    await recorder.record(client, { workflowType: 'changeFeed', scenario: 'happy', workflowId: happy.workflowId });

  } finally {
    await stack.close();
  }
}

/**
 * A report-only run (`happy`); a healing run of the demo's planted drift, far past ten changes,
 * parked by the breaker until the operator's go-ahead (an update).
 */
export async function recordReconcile(recorder: HistoryRecorder): Promise<void> {
  const stack = await startLifecycleStack();
  try {
    const { client } = stack.env;
    const mapping = mappingSchema.parse({});
    const report = await startReconcile(client, mapping, { heal: false, now: new Date('2026-01-01T00:00:00Z') });
    await report.result();
    await recorder.record(client, { workflowType: 'reconcile', scenario: 'happy', workflowId: report.workflowId });

    const heal = await startReconcile(client, mapping, { heal: true, now: new Date('2026-01-01T00:00:01Z') });
    await until('the breaker to park the heal', () => heal.query(reconcileProgressQuery), (progress) => progress.state === 'awaiting-go-ahead');
    const answer = await answerReconcileGoAhead(client, heal.workflowId, { approve: true, by: 'replay recorder' });
    if (!('accepted' in answer)) throw new Error(`the go-ahead was refused: ${answer.refused}`);
    await heal.result();
    await recorder.record(client, { workflowType: 'reconcile', scenario: 'parked', workflowId: heal.workflowId });
  } finally {
    await stack.close();
  }
}

/** The demo term provisioned in two courses a run (`happy` is a child; the parent continues as new). */
export async function recordProvisioning(recorder: HistoryRecorder): Promise<void> {
  const mapping = mappingSchema.parse({ roster: { unenrolledStudents: 'enrol', coursesPerRun: 2 } });
  const stack = await startSyncStack(mapping);
  try {
    const { client } = stack.env;
    const input: ProvisionAllInput = { settings: mapping.roster, studentRoleId: mapping.moodle.studentRoleId, auth: mapping.moodle.auth, dryRun: false };
    const dry = await client.workflow.start('provisionAll', { taskQueue: taskQueues.workflows, workflowId: 'provision:replay-happy', args: [{ ...input, dryRun: true, settings: { ...mapping.roster, coursesPerRun: 500 } }] });
    await dry.result();
    await recorder.record(client, { workflowType: 'provisionAll', scenario: 'happy', workflowId: dry.workflowId });

    const run = await client.workflow.start('provisionAll', { taskQueue: taskQueues.workflows, workflowId: 'provision:replay-continue-as-new', args: [input] });
    await run.result();
    await recordCut(recorder, client, 'provisionAll', run.workflowId);
    await recorder.record(client, { workflowType: 'provisionCourse', scenario: 'happy', workflowId: await firstChild(client, run.workflowId, run.firstExecutionRunId) });
  } finally {
    await stack.close();
  }
}

import type { Client } from '@temporalio/client';
import { mappingSchema } from '../../../src/config/mapping-file';
import { taskQueues } from '../../../src/common/task-queues';
import { workflowIds } from '../../../src/common/workflow-ids';
import { attendanceSyncSettings, gradeSyncSettings } from '../../../src/starters/sync-settings';
import { syncAttendance } from '../../../workflows/sync-attendance';
import { syncGrades } from '../../../workflows/sync-grades';
import { startSyncStack, type SyncStack } from '../../grades/sync-stack';
import { scenarioMismatch, type Scenario } from '../history-fixtures';
import { historyToJson } from '../history-json';
import type { HistoryRecorder } from './history-recorder';
import { setFaults } from './workflow-waits';

const mapping = mappingSchema.parse({ grades: { parallelism: 2 }, attendance: { schedule: { cron: '30 2 * * *', timezone: 'Europe/London' }, submit: true } });

/** The course whose child run is recorded when it shows the scenario: the demo grades and attendance of CS101 produce writes on a first run. */
const recordedCourse = 'CS101';

/**
 * The grade and attendance syncs with their per-course children, against both demo sandboxes.
 * A first stack records a clean run and then a run cut by continue-as-new (the `coursesPerRun`
 * knob of the settings, which the nightly sets to 500); a fresh stack, whose data is again
 * unsynced, records a run through a Moodle outage and failing ERPNext requests.
 */
export async function recordSyncHistories(recorder: HistoryRecorder): Promise<void> {
  await withStack(async (stack) => {
    for (const kind of syncKinds) {
      const { workflowId } = await kind.run(stack.env.client, 'replay-happy', kind.settings());
      await recordRun(recorder, stack.env.client, kind, workflowId, 'happy');
    }
    for (const kind of syncKinds) {
      const run = await kind.run(stack.env.client, 'replay-continue-as-new', { ...kind.settings(), parallelism: 1, coursesPerRun: 3 });
      await recordContinueAsNew(recorder, stack.env.client, kind.workflowType, run);
    }
  });
  await withStack(async (stack) => {
    for (const kind of syncKinds) {
      // Moodle refuses the run's first reads; ERPNext fails a third of the children's requests at random.
      await setFaults(stack.moodleSandbox.url, { outageMs: 2_500, outageRetryAfterSeconds: 1 });
      await setFaults(stack.erpSandbox.url, { errorRate: 0.35 });
      const { workflowId } = await kind.run(stack.env.client, 'replay-retry', kind.settings());
      await Promise.all([setFaults(stack.moodleSandbox.url, {}), setFaults(stack.erpSandbox.url, {})]);
      await recordRun(recorder, stack.env.client, kind, workflowId, 'retry');
    }
  });
}

interface StartedRun {
  workflowId: string;
  firstRunId: string;
}

interface SyncKind {
  workflowType: string;
  childType: string;
  settings(): { parallelism: number; coursesPerRun: number };
  /** Runs to completion (through any continue-as-new) as `<kind>:<suffix>`. */
  run(client: Client, suffix: string, settings: { parallelism: number; coursesPerRun: number }): Promise<StartedRun>;
}

const syncKinds: SyncKind[] = [
  {
    workflowType: 'syncGrades',
    childType: 'syncCourseGrades',
    settings: () => gradeSyncSettings(mapping),
    async run(client, suffix, settings) {
      const workflowId = workflowIds.grades(suffix);
      const handle = await client.workflow.start(syncGrades, { workflowId, taskQueue: taskQueues.workflows, args: [{ settings: { ...gradeSyncSettings(mapping), ...settings } }] });
      await handle.result();
      return { workflowId, firstRunId: handle.firstExecutionRunId };
    },
  },
  {
    workflowType: 'syncAttendance',
    childType: 'syncCourseAttendance',
    settings: () => attendanceSyncSettings(mapping),
    async run(client, suffix, settings) {
      const workflowId = workflowIds.attendance(suffix);
      const handle = await client.workflow.start(syncAttendance, { workflowId, taskQueue: taskQueues.workflows, args: [{ settings: { ...attendanceSyncSettings(mapping), ...settings } }] });
      await handle.result();
      return { workflowId, firstRunId: handle.firstExecutionRunId };
    },
  },
];

async function withStack(body: (stack: SyncStack) => Promise<void>): Promise<void> {
  const stack = await startSyncStack(mapping);
  try {
    await body(stack);
  } finally {
    await stack.close();
  }
}

/** The parent run and one of its children, both as `scenario`. */
async function recordRun(recorder: HistoryRecorder, client: Client, kind: SyncKind, workflowId: string, scenario: 'happy' | 'retry'): Promise<void> {
  await recorder.record(client, { workflowType: kind.workflowType, scenario, workflowId });
  await recorder.record(client, { workflowType: kind.childType, scenario, workflowId: await childShowing(client, workflowId, scenario) });
}

/**
 * The first child (`recordedCourse`'s first) whose history shows `scenario`: random ERPNext
 * failures hit some children and not others.
 */
async function childShowing(client: Client, parentId: string, scenario: Scenario): Promise<string> {
  const parent = await client.workflow.getHandle(parentId).fetchHistory();
  const children = (parent.events ?? []).flatMap((event) => event.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ?? []);
  const preferred = workflowIds.courseSync(parentId, recordedCourse);
  for (const childId of [...children.filter((id) => id === preferred), ...children.filter((id) => id !== preferred)]) {
    const history = historyToJson(await client.workflow.getHandle(childId).fetchHistory());
    if (scenarioMismatch(scenario, history) === null) return childId;
  }
  throw new Error(`no child of ${parentId} shows "${scenario}"`);
}

/** The first run (ended by continue-as-new) and the run it started, from the carried courses and report. */
async function recordContinueAsNew(recorder: HistoryRecorder, client: Client, workflowType: string, { workflowId, firstRunId }: StartedRun): Promise<void> {
  await recorder.record(client, { workflowType, scenario: 'continue-as-new', workflowId, runId: firstRunId });
  const history = await client.workflow.getHandle(workflowId, firstRunId).fetchHistory();
  const nextRunId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  if (!nextRunId) throw new Error(`${workflowId}: the first run did not continue as new`);
  await recorder.record(client, { workflowType, scenario: 'continued', workflowId, runId: nextRunId });
}

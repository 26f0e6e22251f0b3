import type { Client } from '@temporalio/client';
import { mappingSchema } from '../../src/config/mapping-file';
import { singleSyncRuns } from '../../src/common/sync-runs';
import { scheduleDefinitions, scheduleIds } from '../../src/starters/nightly-schedules';
import { startGradeSync } from '../../src/starters/sync-requests';
import type { GradesReport } from '../../workflows/sync-grades';
import { startSyncStack, type SyncStack } from './sync-stack';
import { untilScheduleStarted } from './sandbox-helpers';

jest.setTimeout(120_000);

/*
 * Two on-demand requests and the nightly Schedule's trigger arrive together, against an ERPNext
 * sandbox whose concurrent inserts interleave as on a multi-worker site (where two overlapping
 * runs write duplicate Assessment Results: Education's duplicate check is a SELECT without a
 * unique index). One run works at a time and every result exists once.
 */

const mapping = mappingSchema.parse({ grades: { parallelism: 4 } });
let stack: SyncStack;

beforeAll(async () => {
  stack = await startSyncStack(mapping, { erpnext: { interleaving: { windowMs: 40 } } });
});
afterAll(async () => {
  await stack?.env.client.schedule.getHandle(scheduleIds.grades).delete().catch(() => undefined);
  await stack?.close();
});

interface Interval {
  id: string;
  start: number;
  end: number;
}

async function intervalOf(client: Client, workflowId: string, runId?: string): Promise<Interval> {
  const described = await client.workflow.getHandle(workflowId, runId).describe();
  return { id: workflowId, start: described.startTime.getTime(), end: described.closeTime?.getTime() ?? Number.POSITIVE_INFINITY };
}

/** Every run of the single run's chain, from its first, with the child runs each started. */
async function chainOf(client: Client, firstRunId: string): Promise<{ runs: Interval[]; children: Interval[] }> {
  const runs: Interval[] = [];
  const children: Interval[] = [];
  for (let runId: string | undefined = firstRunId; runId; ) {
    const history = await client.workflow.getHandle(singleSyncRuns.grades.workflowId, runId).fetchHistory();
    runs.push(await intervalOf(client, singleSyncRuns.grades.workflowId, runId));
    for (const event of history.events ?? []) {
      const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId && child.runId) children.push(await intervalOf(client, child.workflowId, child.runId));
    }
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return { runs, children };
}

const overlapping = (a: Interval, b: Interval) => a.start < b.end && b.start < a.end;

test('concurrent on-demand requests and a scheduled trigger: one run at a time, no duplicate Assessment Results', async () => {
  const { client } = stack.env;
  const nightly = scheduleDefinitions(mapping).find((definition) => definition.scheduleId === scheduleIds.grades);
  if (!nightly) throw new Error('no grades Schedule');
  const schedule = await client.schedule.create(nightly);

  const [full, again, oneCourse] = await Promise.all([
    startGradeSync(client, mapping, {}),
    startGradeSync(client, mapping, {}),
    startGradeSync(client, mapping, { course: 'CS101' }),
    schedule.trigger(),
  ]);
  // All three land on the single run; the two full requests on the same run of it.
  expect([full.workflowId, again.workflowId, oneCourse.workflowId]).toEqual([singleSyncRuns.grades.workflowId, singleSyncRuns.grades.workflowId, singleSyncRuns.grades.workflowId]);
  expect(again.runId).toBe(full.runId);

  const scheduledId = await untilScheduleStarted(schedule);
  const handover = (await client.workflow.getHandle(scheduledId).result()) as GradesReport;
  expect(handover).toMatchObject({ courses: [], handedOverTo: { workflowId: singleSyncRuns.grades.workflowId } });
  const scheduledHistory = await client.workflow.getHandle(scheduledId).fetchHistory();
  expect((scheduledHistory.events ?? []).filter((event) => event.startChildWorkflowExecutionInitiatedEventAttributes)).toEqual([]);

  // The chain: the full run (joined by the other full request, and by the nightly unless it came
  // later and queued a full run of its own), then the queued one-course run; each after the last.
  await client.workflow.getHandle(singleSyncRuns.grades.workflowId, full.runId).result();
  const { runs, children } = await chainOf(client, full.runId);
  expect(runs.length).toBeGreaterThanOrEqual(2);
  expect(runs.length).toBeLessThanOrEqual(3);
  for (let i = 1; i < runs.length; i++) expect(runs[i].start).toBeGreaterThanOrEqual(runs[i - 1].end);

  // Per course, no two children ever ran at the same time.
  expect(children.length).toBeGreaterThan(runs.length);
  expect(children.every((child) => child.id.startsWith(`${singleSyncRuns.grades.workflowId}/`))).toBe(true);
  for (const a of children) for (const b of children) if (a !== b && a.id === b.id) expect(overlapping(a, b)).toBe(false);

  const results = await stack.erp.getList('Assessment Result', { fields: ['student', 'assessment_plan'], filters: [['docstatus', '!=', 2]], limitPageLength: 0 });
  expect(results.length).toBeGreaterThan(0);
  const keys = results.map((row) => `${String(row.student)}|${String(row.assessment_plan)}`);
  expect(new Set(keys).size).toBe(keys.length);
});

import { taskQueues } from '../../src/common/task-queues';
import { activitiesPerRequestRate } from '../../src/temporal/task-queue-workers';
import { createHarnessActivities, type ActivityCall } from '../support/fixtures/harness-activities';
import { harnessBurst, harnessLinkStudent, harnessSlowWrite } from '../support/fixtures/harness-workflows';
import { bundleWorkflows, connectTestEnv, createTestWorkers, withWorkers, type TemporalTestEnv } from '../support/temporal';
import type { WorkflowBundle } from '@temporalio/worker';

let env: TemporalTestEnv;
let workflowBundle: WorkflowBundle;

beforeAll(async () => {
  env = await connectTestEnv();
  workflowBundle = await bundleWorkflows(require.resolve('../support/fixtures/harness-workflows'));
});

afterAll(() => env?.close());

/** Resolves when the named fake activity has started running. */
function startedSignal(): { onStarted: () => void; started: Promise<void> } {
  let onStarted = () => undefined as void;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  return { onStarted, started };
}

test('a workflow runs to completion with its activities on the moodle and erpnext queues', async () => {
  const calls: ActivityCall[] = [];
  const { moodle, erpnext } = createHarnessActivities(calls);

  const result = await withWorkers(env, { workflowBundle, moodle, erpnext }, () =>
    env.client.workflow.execute(harnessLinkStudent, {
      taskQueue: taskQueues.workflows,
      workflowId: 'harness:EDU-STU-2026-00001',
      args: ['EDU-STU-2026-00001'],
    }),
  );

  expect(result).toBe('EDU-STU-2026-00001->42');
  expect(calls).toEqual([
    { activityType: 'moodleLookupUser', taskQueue: taskQueues.moodle, attempt: 1, outcome: 'completed', at: expect.any(Number) },
    { activityType: 'erpnextRecordLink', taskQueue: taskQueues.erpnext, attempt: 1, outcome: 'completed', at: expect.any(Number) },
  ]);
});

test('shutdown lets an in-flight activity finish within the grace time and records it once', async () => {
  const calls: ActivityCall[] = [];
  const { onStarted, started } = startedSignal();
  const first = createHarnessActivities(calls, onStarted);
  const workers = await createTestWorkers(env, { workflowBundle, ...first, shutdownGraceTime: '10s' });
  const running = workers.run();
  const handle = await env.client.workflow.start(harnessSlowWrite, {
    taskQueue: taskQueues.workflows,
    workflowId: 'harness:slow-write-finishes',
    args: [800],
  });
  await started;
  workers.shutdown();
  await running;

  expect(calls).toEqual([{ activityType: 'moodleSlowWrite', taskQueue: taskQueues.moodle, attempt: 1, outcome: 'completed', at: expect.any(Number) }]);
  const second = createHarnessActivities(calls);
  await withWorkers(env, { workflowBundle, ...second }, () => expect(handle.result()).resolves.toBe('written'));
  expect(calls).toHaveLength(1);
});

test('shutdown past the grace time cancels the activity and the server hands it to the next worker', async () => {
  const calls: ActivityCall[] = [];
  const { onStarted, started } = startedSignal();
  const first = createHarnessActivities(calls, onStarted);
  const workers = await createTestWorkers(env, { workflowBundle, ...first, shutdownGraceTime: '200ms' });
  const running = workers.run();
  const handle = await env.client.workflow.start(harnessSlowWrite, {
    taskQueue: taskQueues.workflows,
    workflowId: 'harness:slow-write-handed-back',
    args: [60_000],
  });
  await started;
  workers.shutdown();
  await running;
  expect(calls).toEqual([{ activityType: 'moodleSlowWrite', taskQueue: taskQueues.moodle, attempt: 1, outcome: 'cancelled', at: expect.any(Number) }]);

  const fast = createHarnessActivities(calls);
  const result = await withWorkers(env, { workflowBundle, moodle: { moodleSlowWrite: () => fast.moodle.moodleSlowWrite(10) } }, () => handle.result());
  expect(result).toBe('written');
  expect(calls[1]).toMatchObject({ activityType: 'moodleSlowWrite', attempt: 2, outcome: 'completed' });
});

test('the server paces a queue to its configured rate, however many activities are ready', async () => {
  const calls: ActivityCall[] = [];
  const { moodle } = createHarnessActivities(calls);
  const count = 30;
  const rate = 10;

  // The configured rate is the system's requests; the queue's activity cap is a multiple of it.
  const ran = await withWorkers(env, { workflowBundle, moodle, rates: { moodle: rate / activitiesPerRequestRate } }, () =>
    env.client.workflow.execute(harnessBurst, { taskQueue: taskQueues.workflows, workflowId: 'harness:burst', args: [count] }),
  );

  expect(ran).toBe(count);
  const times = calls.map((call) => call.at).sort((a, b) => a - b);
  const spanMs = times[times.length - 1] - times[0];
  // Unpaced, 30 trivial activities finish within a few hundred ms; at 10/s they need well over a
  // second even after the limiter's initial burst (measured: 16, 8, 3, 3 per second over 3.9 s).
  expect(spanMs).toBeGreaterThan(1_500);
});

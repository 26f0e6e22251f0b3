import type { ScheduleHandle } from '@temporalio/client';
import { startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import { completedFeedRuns, feedRunsAfterNow, setWebhooksEnabled, startChangeFeed } from '../durability/feed-support';
import { printChaosTable, scaled, type ChaosRow } from './chaos-table';
import { admitCohort, describeState, expectedState, untilExact } from './chaos-state';

/**
 * Every ERPNext Webhook disabled while Students are admitted, some enrolled in a program and some
 * of those withdrawn: the change feed alone must bring Moodle (and the ERPNext link) to the exact
 * expected state within two feed intervals of the last write.
 */
let stack: LifecycleStack;
let schedule: ScheduleHandle;
const rows: ChaosRow[] = [];

// Two intervals must cover the wait for the next tick and the runs it starts on a loaded machine.
const intervalSeconds = scaled(15, 60);

beforeAll(async () => {
  stack = await startLifecycleStack();
  schedule = await startChangeFeed(stack.env.client, { interval: `${intervalSeconds}s` });
  // The first run only marks where the feed starts (ERPNext's newest documents); triggered, not waited for.
  const firstRun = feedRunsAfterNow(stack.env.client, 1, 3 * intervalSeconds * 1000);
  await schedule.trigger();
  await firstRun;
  await setWebhooksEnabled(stack.erp, false);
}, 180_000);
afterAll(async () => {
  printChaosTable(rows);
  await schedule?.delete();
  await stack?.close();
});

it('brings Moodle to the exact state from the change feed alone, within two feed intervals', async () => {
  const size = { admitted: scaled(10, 200), enrolled: scaled(4, 50), withdrawn: scaled(2, 20) };
  const cohort = await admitCohort(stack.erp, { ...size, tag: 'Feedonly' });
  const lastWrite = Date.now();
  const expected = await expectedState(stack.erp, stack.moodle, cohort);

  // Reads past the two intervals (up to six), so a miss reports how long the feed did take.
  const { observed, at } = await untilExact(stack.erp, stack.moodle, cohort, expected, 6 * intervalSeconds * 1000);
  const tookMs = at - lastWrite;
  const within = JSON.stringify(observed) === JSON.stringify(expected) && tookMs <= 2 * intervalSeconds * 1000;
  // One more completed run, so the one that caught the last of them has reported (a miss still prints its row).
  await feedRunsAfterNow(stack.env.client, 1, 3 * intervalSeconds * 1000).catch(() => undefined);
  const caught = new Set((await completedFeedRuns(stack.env.client)).flatMap((r) => r.report.caughtWorkflowIds));
  const caughtOnboardings = cohort.students.filter((s) => caught.has(`onboard:${s}`)).length;

  rows.push({
    scenario: 'Webhooks disabled, feed alone',
    faults: `every Webhook disabled; ${size.admitted} admitted, ${size.enrolled} enrolled, ${size.withdrawn} withdrawn; feed every ${intervalSeconds} s`,
    expected: `${describeState(expected)}; within 2 intervals; ${size.admitted} onboardings caught by the feed`,
    observed: `${describeState(observed, expected)}; ${within ? 'within 2 intervals' : `after ${(tookMs / 1000).toFixed(1)} s`}; ${caughtOnboardings} onboardings caught by the feed`,
  });
  expect(observed).toEqual(expected);
  expect({ within, caughtOnboardings }).toEqual({ within: true, caughtOnboardings: size.admitted });
}, 600_000);

import { startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import { printChaosTable, scaled, type ChaosRow } from './chaos-table';
import { admitCohort, cohortWorkflowIds, describeState, expectedState, untilExact } from './chaos-state';
import { describeCounts, untilClosed } from './run-statuses';
import { retryAfterCounts, setFaults } from './sandbox-faults';

/**
 * A 429 storm on both systems while Students are admitted and enrolled: each sandbox answers 429
 * with Retry-After past a small per-second limit and records every request repeated before its
 * delay. A Retry-After of 2 s is longer than the activities' first backoff (1 s), so a client
 * that ignored it would be caught. The activities hand the delay to Temporal as the failure's
 * nextRetryDelay (activities/failure.ts).
 */
let stack: LifecycleStack;
const rows: ChaosRow[] = [];

beforeAll(async () => {
  stack = await startLifecycleStack();
}, 120_000);
afterAll(async () => {
  printChaosTable(rows);
  await stack?.close();
});

it('honours every Retry-After in a 429 storm: no request before its delay, every run completes, the exact end state', async () => {
  const size = { admitted: scaled(6, 100), enrolled: scaled(3, 40), withdrawn: scaled(1, 10) };
  const limits = { moodle: { perSecond: 2, retryAfterSeconds: 2 }, erpnext: { perSecond: 2, retryAfterSeconds: 2 } };
  await setFaults(stack.moodleSandbox.url, { rateLimit: limits.moodle });
  await setFaults(stack.erpnextSandbox.url, { rateLimit: limits.erpnext });

  // The scenario's own writes wait out their 429s too (chaos-state.ts), so they count like any client's.
  const cohort = await admitCohort(stack.erp, { ...size, tag: 'Storm' });
  const statuses = await untilClosed(stack.env.client, cohortWorkflowIds(cohort), scaled(120_000, 900_000));
  const expected = await expectedState(stack.erp, stack.moodle, cohort);
  const { observed } = await untilExact(stack.erp, stack.moodle, cohort, expected, 60_000);
  const moodle = await retryAfterCounts(stack.moodleSandbox.url);
  const erpnext = await retryAfterCounts(stack.erpnextSandbox.url);
  await setFaults(stack.moodleSandbox.url, {});
  await setFaults(stack.erpnextSandbox.url, {});

  const runs = cohortWorkflowIds(cohort).length;
  rows.push({
    scenario: '429 storm with Retry-After',
    faults: `Moodle ${limits.moodle.perSecond}/s, ERPNext ${limits.erpnext.perSecond}/s, Retry-After 2 s: ${moodle.answeredWithRetryAfter} + ${erpnext.answeredWithRetryAfter} 429s; ${size.admitted} admitted, ${size.enrolled} enrolled, ${size.withdrawn} withdrawn`,
    expected: `0 + 0 requests before Retry-After; ${runs} COMPLETED; ${describeState(expected)}`,
    observed: `${moodle.violations} + ${erpnext.violations} requests before Retry-After; ${describeCounts(statuses)}; ${describeState(observed, expected)}`,
  });
  // Not a storm unless both systems refused.
  expect(moodle.answeredWithRetryAfter).toBeGreaterThan(0);
  expect(erpnext.answeredWithRetryAfter).toBeGreaterThan(0);
  expect({ moodle: moodle.violations, erpnext: erpnext.violations, statuses }).toEqual({ moodle: 0, erpnext: 0, statuses: { COMPLETED: runs } });
  expect(observed).toEqual(expected);
}, 1_200_000);

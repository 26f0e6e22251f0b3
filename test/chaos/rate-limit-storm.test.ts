import { startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import { printChaosTable, scaled, type ChaosRow } from './chaos-table';
import { admitCohort, cohortWorkflowIds, describeState, expectedState, untilExact } from './chaos-state';
import { describeCounts, untilClosed } from './run-statuses';
import { nameActivityClients, retryAfterCounts, setFaults } from './sandbox-faults';

/**
 * A 429 storm on both systems while Students are admitted, enrolled and withdrawn: each sandbox
 * answers 429 with Retry-After past a small per-second limit and records every request its client
 * repeated before the delay (sandboxes/faults.ts; each activity execution is named as a client). A Retry-After of 2 s is longer than
 * the activities' first backoff (1 s), so a client that ignored it would be caught. The activities
 * hand the delay to Temporal as the failure's nextRetryDelay (activities/failure.ts).
 *
 * The delays stretch every run to tens of seconds, so a withdrawal overlaps the enrolment that
 * read the same Program Enrollment still submitted: the first draft of this scenario found the
 * withdrawn student still in the program's courses (workflows/stale-enrolment.ts).
 */
let stack: LifecycleStack;
let unnameClients: () => void;
const rows: ChaosRow[] = [];

beforeAll(async () => {
  unnameClients = nameActivityClients();
  stack = await startLifecycleStack();
}, 120_000);
afterAll(async () => {
  printChaosTable(rows);
  await stack?.close();
  unnameClients?.();
});

it('honours every Retry-After in a 429 storm: no request before its delay, every run completes, the exact end state', async () => {
  const size = { admitted: scaled(3, 100), enrolled: scaled(2, 40), withdrawn: scaled(1, 10) };
  // ERPNext's limit leaves room for the five reads one erpnextCoursesGranted attempt can make back
  // to back (a cancelled enrolment's handed Course Enrollments are looked up one by one): under a
  // fixed window of fewer, every attempt is refused part-way and the run never ends.
  const limits = { moodle: { perSecond: 2, retryAfterSeconds: 2 }, erpnext: { perSecond: 5, retryAfterSeconds: 2 } };
  await setFaults(stack.moodleSandbox.url, { rateLimit: limits.moodle });
  await setFaults(stack.erpnextSandbox.url, { rateLimit: limits.erpnext });

  // The scenario's own writes wait out their 429s too (chaos-state.ts), so they count like any client's.
  const cohort = await admitCohort(stack.erp, { ...size, tag: 'Storm' });
  const statuses = await untilClosed(stack.env.client, cohortWorkflowIds(cohort), scaled(80_000, 900_000));
  const expected = await expectedState(stack.erp, stack.moodle, cohort);
  const { observed } = await untilExact(stack.erp, stack.moodle, cohort, expected, scaled(15_000, 60_000));
  const moodle = await retryAfterCounts(stack.moodleSandbox.url);
  const erpnext = await retryAfterCounts(stack.erpnextSandbox.url);
  await setFaults(stack.moodleSandbox.url, {});
  await setFaults(stack.erpnextSandbox.url, {});

  const runs = cohortWorkflowIds(cohort).length;
  rows.push({
    scenario: '429 storm with Retry-After',
    faults:
      `Moodle ${limits.moodle.perSecond}/s, ERPNext ${limits.erpnext.perSecond}/s, Retry-After 2 s: ${moodle.answeredWithRetryAfter} + ${erpnext.answeredWithRetryAfter} 429s; ` +
      `${size.admitted} admitted, ${size.enrolled} enrolled, ${size.withdrawn} withdrawn ` +
      `(identical requests before a delay from any client, other runs' included: ${moodle.earlyFromAnyClient} + ${erpnext.earlyFromAnyClient})`,
    expected: `0 + 0 requests before Retry-After; ${runs} COMPLETED; ${describeState(expected)}`,
    observed: `${moodle.violations} + ${erpnext.violations} requests before Retry-After; ${describeCounts(statuses)}; ${describeState(observed, expected)}`,
  });
  // Not a storm unless both systems refused.
  expect(moodle.answeredWithRetryAfter).toBeGreaterThan(0);
  expect(erpnext.answeredWithRetryAfter).toBeGreaterThan(0);
  expect({ moodle: moodle.violatingRequests, erpnext: erpnext.violatingRequests, statuses }).toEqual({ moodle: [], erpnext: [], statuses: { COMPLETED: runs } });
  expect(observed).toEqual(expected);
}, scaled(200_000, 1_200_000));

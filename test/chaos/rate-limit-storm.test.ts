import { startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import { printChaosTable, scaled, type ChaosRow } from './chaos-table';
import { admitCohort, cohortWorkflowIds, describeState, expectedState, untilExact, withdrawalWorkflowIds } from './chaos-state';
import { describeCounts, describeOpenRuns, untilClosed } from './run-statuses';
import { clearRequestCounts, nameActivityClients, requestTotal, retryAfterCounts, setFaults } from './sandbox-faults';

/**
 * A 429 storm on both systems while Students are admitted, enrolled and withdrawn: each sandbox
 * answers 429 with Retry-After past a small per-second limit and records every request its client
 * repeated before the delay (sandboxes/faults.ts; each activity execution is named as a client).
 * The workers' clients pace their requests and, after a 429, hold every request of the process
 * until its Retry-After has passed (src/http/request-pacer.ts), so the activities blocked by one
 * refusal do not all come back in the same instant. A refused request goes again after the delay
 * (up to four times), and past that the activity hands the delay to Temporal as its failure's
 * nextRetryDelay (activities/failure.ts). A Retry-After of 2 s is longer than the activities'
 * first backoff (1 s), so a client that ignored it would be caught.
 *
 * It stays a storm: the workers are configured (MOODLE_RATE_PER_SECOND / ERPNEXT_RATE_PER_SECOND)
 * for twice what the proxy in front of each system allows, as when the budget is shared with
 * other clients (here also the scenario's own writes, unpaced), and the admissions offer far more
 * work than either limit. So every pause after a 429 is followed by requests faster than the
 * limit, and the next 429: under a fixed window, about `perSecond` requests get through per pause
 * and a half (~2.5 s), some 40 % of the limit.
 *
 * The limits at full size: 100 admissions make about 600 Moodle and 800 ERPNext requests, 429s
 * included (measured). At the reduced run's 2/s and 5/s the storm would pass some 0.8 and 2
 * requests a second, about 12 minutes for Moodle alone on an idle machine: too close to jest's 20
 * on a loaded one. At 10/s and 20/s it was no storm: 165 s, 20 + 5 429s, the admissions offering
 * only 3.5 and 4.5 requests a second on average. At 4/s and 8/s: 292 s (load ~8 on 2 cores),
 * 174 + 79 429s, the offered load above both limits for most of the run.
 *
 * The delays stretch every run to tens of seconds, so a withdrawal overlaps the enrolment that
 * read the same Program Enrollment still submitted: the first draft of this scenario found the
 * withdrawn student still in the program's courses (workflows/stale-enrolment.ts). At full size a
 * Course Enrollment's own run read the document before the cancel and its Program Enrollment
 * after, and enrolled (6 of 100 students kept 22 courses; workflows/course-enrollment.ts).
 */
const retryAfterSeconds = 2;
const limits = {
  moodle: { perSecond: scaled(2, 4), retryAfterSeconds },
  erpnext: { perSecond: scaled(5, 8), retryAfterSeconds },
};
const configured = { moodle: limits.moodle.perSecond * 2, erpnext: limits.erpnext.perSecond * 2 };

let stack: LifecycleStack;
let unnameClients: () => void;
const rows: ChaosRow[] = [];

beforeAll(async () => {
  unnameClients = nameActivityClients();
  stack = await startLifecycleStack({ rates: configured });
}, 120_000);
afterAll(async () => {
  printChaosTable(rows);
  await stack?.close();
  unnameClients?.();
});

it('honours every Retry-After in a 429 storm: no request before its delay, every run completes, the exact end state', async () => {
  const size = { admitted: scaled(3, 100), enrolled: scaled(2, 40), withdrawn: scaled(1, 10) };
  await setFaults(stack.moodleSandbox.url, { rateLimit: limits.moodle });
  await setFaults(stack.erpnextSandbox.url, { rateLimit: limits.erpnext });
  await clearRequestCounts(stack.moodleSandbox.url);
  await clearRequestCounts(stack.erpnextSandbox.url);
  const started = Date.now();

  // The scenario's own writes wait out their 429s too (chaos-state.ts), so they count like any client's.
  const cohort = await admitCohort(stack.erp, { ...size, tag: 'Storm' });
  // The withdrawals come last and wait longest: the end state is judged once they too have closed.
  const workflowIds = [...cohortWorkflowIds(cohort), ...(await withdrawalWorkflowIds(stack.erp, cohort))];
  // At the reduced size, on a CI machine running two suites at once, one run was still open after 80 s.
  const statuses = await untilClosed(stack.env.client, workflowIds, scaled(160_000, 900_000));
  const open = await describeOpenRuns(stack.env.client, workflowIds);
  const expected = await expectedState(stack.erp, stack.moodle, cohort);
  const { observed } = await untilExact(stack.erp, stack.moodle, cohort, expected, scaled(15_000, 60_000));
  const seconds = Math.round((Date.now() - started) / 1000);
  const requests = { moodle: await requestTotal(stack.moodleSandbox.url), erpnext: await requestTotal(stack.erpnextSandbox.url) };
  const moodle = await retryAfterCounts(stack.moodleSandbox.url);
  const erpnext = await retryAfterCounts(stack.erpnextSandbox.url);
  await setFaults(stack.moodleSandbox.url, {});
  await setFaults(stack.erpnextSandbox.url, {});

  const runs = workflowIds.length;
  rows.push({
    scenario: '429 storm with Retry-After',
    faults:
      `Moodle ${limits.moodle.perSecond}/s, ERPNext ${limits.erpnext.perSecond}/s, Retry-After ${retryAfterSeconds} s: ${moodle.answeredWithRetryAfter} + ${erpnext.answeredWithRetryAfter} 429s; ` +
      `of ${requests.moodle} + ${requests.erpnext} requests in ${seconds} s (workers paced at ${configured.moodle}/s and ${configured.erpnext}/s); ` +
      `${size.admitted} admitted, ${size.enrolled} enrolled, ${size.withdrawn} withdrawn ` +
      `(identical requests before a delay from any client, other runs' included: ${moodle.earlyFromAnyClient} + ${erpnext.earlyFromAnyClient})`,
    expected: `0 + 0 requests before Retry-After; ${runs} COMPLETED; ${describeState(expected)}`,
    observed: `${moodle.violations} + ${erpnext.violations} requests before Retry-After; ${describeCounts(statuses)}; ${describeState(observed, expected)}`,
  });
  // Not a storm unless both systems refused.
  expect(moodle.answeredWithRetryAfter).toBeGreaterThan(0);
  expect(erpnext.answeredWithRetryAfter).toBeGreaterThan(0);
  expect({ moodle: moodle.violatingRequests, erpnext: erpnext.violatingRequests, statuses, open }).toEqual({ moodle: [], erpnext: [], statuses: { COMPLETED: runs }, open: [] });
  expect(observed).toEqual(expected);
}, scaled(260_000, 1_200_000));

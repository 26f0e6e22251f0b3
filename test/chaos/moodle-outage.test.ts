import { WaitingOn } from '../../src/common/search-attributes';
import { eventually, startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import { printChaosTable, scaled, type ChaosRow } from './chaos-table';

/**
 * Moodle answering 503 for longer than a call's timeout: every onboarding waits (WaitingOn =
 * moodle while it does), none fails, and all complete once Moodle is back, each with exactly one
 * account. The outage is the sandbox's fault setting; no time is mocked inside the workflows.
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

const setMoodleFaults = (faults: Record<string, unknown>) =>
  fetch(`${stack.moodleSandbox.url}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });

async function statusOf(workflowId: string): Promise<{ status: string; waitingOn?: string }> {
  try {
    const d = await stack.env.client.workflow.getHandle(workflowId).describe();
    return { status: d.status.name, waitingOn: d.typedSearchAttributes.get(WaitingOn) as string | undefined };
  } catch {
    return { status: 'NOT_STARTED' };
  }
}

it('waits out a Moodle outage longer than any call timeout, shows WaitingOn=moodle, and completes every run', async () => {
  const students = scaled(5, 50);
  const outageMs = scaled(12_000, 90_000);
  await setMoodleFaults({ outageMs, outageRetryAfterSeconds: 1 });
  const names: string[] = [];
  for (let i = 0; i < students; i++) {
    const s = await stack.erp.insert('Student', { first_name: `Outage${i}`, last_name: 'Waiter', student_email_id: `outage${i}.waiter@students.cbu.example` });
    names.push(s.name);
  }
  const ids = names.map((n) => `onboard:${n}`);

  // During the outage: every run is open and says what it waits on.
  const during = await eventually(() => Promise.all(ids.map(statusOf)), (all) => all.every((s) => s.status === 'RUNNING' && s.waitingOn === 'moodle'), outageMs - 2_000);
  const waiting = during.filter((s) => s.status === 'RUNNING' && s.waitingOn === 'moodle').length;

  const after = await eventually(() => Promise.all(ids.map(statusOf)), (all) => all.every((s) => s.status !== 'RUNNING'), outageMs + 60_000);
  const completed = after.filter((s) => s.status === 'COMPLETED' && s.waitingOn === undefined).length;
  const accounts = (await Promise.all(names.map((n) => stack.moodle.getUsersByField('idnumber', [n])))).filter((u) => u.length === 1).length;

  rows.push({
    scenario: 'Moodle 503 outage',
    faults: `Moodle 503 for ${outageMs / 1000} s (longer than a call's 30 s start-to-close only at full scale) during ${students} admissions`,
    expected: `${students} waiting on moodle; ${students} completed, WaitingOn cleared; ${students} accounts`,
    observed: `${waiting} waiting on moodle; ${completed} completed, WaitingOn cleared; ${accounts} accounts`,
  });
  expect({ waiting, completed, accounts }).toEqual({ waiting: students, completed: students, accounts: students });
}, scaled(240_000, 600_000));

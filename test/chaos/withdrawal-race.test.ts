import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { eventually, startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import { printChaosTable, scaled, type ChaosRow } from './chaos-table';
import { describeState, expectedState, untilExact, type Cohort } from './chaos-state';
import { describeCounts, untilClosed, type StatusCounts } from './run-statuses';
import { submitProgramEnrollment } from '../support/program-enrollment';

/**
 * The race the 429-storm scenario found, made certain: enrolments that read their Program
 * Enrollment submitted are held just before their Moodle enrol while the registrar cancels and
 * each withdrawal runs to the end (finding nothing active to withdraw). Released, the enrols land
 * after the withdrawals; each withdrawal had told its enrolling run, which then withdraws what is
 * no longer granted (workflows/stale-enrolment.ts). Without that, the students stay in cancelled
 * programs. Other students' enrolments are held and released alongside without a cancel: the
 * same check must leave them every course their program grants.
 */
let stack: LifecycleStack;
let holding = false;
let release: () => void = () => {};
let gate: Promise<void> = Promise.resolve();
/** Moodle users whose enrol is being held now. */
const heldUsers = new Set<number>();
const rows: ChaosRow[] = [];
const holdTimers = new Set<NodeJS.Timeout>();

/**
 * Waits for the release, but not past the call's start-to-close: an attempt Temporal timed out
 * would still enrol once released, after its run had moved on (the full size's 25 cancellations
 * outlast the 30 s). Failed just before, as a slow Moodle call would, its retry is held instead.
 */
async function heldWithinTimeout(startToCloseMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => holdTimers.add((timer = setTimeout(() => resolve(true), startToCloseMs - 5_000))));
  const released = gate.then(() => false);
  const late = await Promise.race([released, timedOut]);
  clearTimeout(timer);
  holdTimers.delete(timer!);
  if (late) throw ApplicationFailure.retryable('held by the test until just before its start-to-close timeout', 'Transient');
}

beforeAll(async () => {
  stack = await startLifecycleStack({
    activities: (real) => ({
      ...real,
      moodle: {
        ...real.moodle,
        async moodleEnrolStudent(input: Parameters<typeof real.moodle.moodleEnrolStudent>[0]) {
          if (holding && input.courseIds.length > 0) {
            heldUsers.add(input.userId);
            await heldWithinTimeout(Context.current().info.startToCloseTimeoutMs);
          }
          return real.moodle.moodleEnrolStudent(input);
        },
      },
    }),
  });
}, 120_000);
afterAll(async () => {
  release();
  for (const timer of holdTimers) clearTimeout(timer);
  printChaosTable(rows);
  await stack?.close();
});

const programNames = ['BSc Nursing', 'BSc Computer Science', 'BA Business'];

const sumCounts = (...all: StatusCounts[]): StatusCounts => {
  const sum: StatusCounts = {};
  for (const counts of all) for (const [status, n] of Object.entries(counts)) sum[status] = (sum[status] ?? 0) + n;
  return sum;
};

const resultOf = async <T>(workflowId: string) => (await stack.env.client.workflow.getHandle(workflowId).result()) as T;

it('withdrawals that finish before their overlapping enrolments land still leave the students in no course of the cancelled programs', async () => {
  const size = { raced: scaled(1, 25), kept: scaled(1, 5) };
  const total = size.raced + size.kept;
  const cohort: Cohort = { students: [], programs: new Map(), enrollments: new Map(), withdrawn: new Set() };
  for (let i = 0; i < total; i++) {
    const student = await stack.erp.insert('Student', { first_name: `Race${i}`, last_name: 'Withdrawn', student_email_id: `race${i}.withdrawn@students.cbu.example` });
    cohort.students.push(student.name);
  }
  const onboarded = await untilClosed(stack.env.client, cohort.students.map((s) => `onboard:${s}`), scaled(30_000, 120_000));
  expect(onboarded).toEqual({ COMPLETED: total });
  const accounts = await stack.moodle.getUsersByField('idnumber', cohort.students);
  expect(accounts).toHaveLength(total);

  // Every enrolment reads its Program Enrollment submitted and stops just before Moodle.
  holding = true;
  gate = new Promise((resolve) => (release = resolve));
  for (const [i, student] of cohort.students.entries()) {
    const program = programNames[i % programNames.length];
    const pe = await submitProgramEnrollment(stack.erp, student, program);
    cohort.programs.set(student, program);
    cohort.enrollments.set(student, pe.name);
  }
  const enrolments = [...cohort.enrollments.values()].map((pe) => `enroll:${pe}`);
  expect((await eventually(async () => heldUsers.size, (n) => n === total, scaled(30_000, 120_000)))).toBe(total);

  // The registrar cancels the first ones; their withdrawals run to the end meanwhile.
  const withdrawals: string[] = [];
  for (const student of cohort.students.slice(0, size.raced)) {
    const pe = cohort.enrollments.get(student)!;
    await stack.erp.cancel('Program Enrollment', pe);
    cohort.withdrawn.add(student);
    withdrawals.push(`withdraw:${pe}@${String((await stack.erp.getDoc('Program Enrollment', pe)).modified)}`);
  }
  const withdrawalStatuses = await untilClosed(stack.env.client, withdrawals, scaled(30_000, 120_000));
  const withdrawalOutcomes = await Promise.all(withdrawals.map((id) => resultOf<{ outcome: string }>(id).then((r) => r.outcome)));

  // Released: every held enrol lands after its withdrawal.
  holding = false;
  release();
  const enrolmentStatuses = await untilClosed(stack.env.client, enrolments, scaled(30_000, 180_000));
  const expected = await expectedState(stack.erp, stack.moodle, cohort);
  const { observed } = await untilExact(stack.erp, stack.moodle, cohort, expected, scaled(10_000, 30_000));
  // What each enrolling run says it left enrolled: nothing of a cancelled program, all of a kept one.
  const reported = await Promise.all(enrolments.map((id) => resultOf<{ enrolledCourses: string[] }>(id).then((r) => [...r.enrolledCourses].sort())));

  rows.push({
    scenario: 'Withdrawal overtakes enrolment',
    faults: `${total} enrols held before Moodle; ${size.raced} Program Enrollments cancelled and withdrawn meanwhile, ${size.kept} kept; then released`,
    expected: `${size.raced} withdrawn; ${withdrawals.length + enrolments.length} COMPLETED; ${describeState(expected)}`,
    observed:
      `${withdrawalOutcomes.filter((o) => o === 'withdrawn').length} withdrawn; ` +
      `${describeCounts(sumCounts(withdrawalStatuses, enrolmentStatuses))}; ${describeState(observed, expected)}`,
  });
  expect({ withdrawalStatuses, enrolmentStatuses, withdrawalOutcomes: new Set(withdrawalOutcomes) }).toEqual({
    withdrawalStatuses: { COMPLETED: size.raced },
    enrolmentStatuses: { COMPLETED: total },
    withdrawalOutcomes: new Set(['withdrawn']),
  });
  expect(reported).toEqual(expected.map((state) => state.courses));
  expect(observed).toEqual(expected);
}, scaled(90_000, 900_000));

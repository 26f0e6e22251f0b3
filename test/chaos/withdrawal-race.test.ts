import { eventually, startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';

/**
 * The race the 429-storm scenario found, made certain: an enrolment that read its Program
 * Enrollment submitted is held just before its Moodle enrol while the registrar cancels and the
 * withdrawal runs to the end (finding nothing active to withdraw). Released, the enrol lands after
 * the withdrawal; the withdrawal had told the enrolling run, which then withdraws what is no longer
 * granted (workflows/stale-enrolment.ts). Without that, the student stays in a cancelled program.
 */
let stack: LifecycleStack;
let holding = false;
let release: () => void = () => {};
let held: Promise<void> = Promise.resolve();
let enteredHold: () => void = () => {};

beforeAll(async () => {
  stack = await startLifecycleStack({
    activities: (real) => ({
      ...real,
      moodle: {
        ...real.moodle,
        async moodleEnrolStudent(input: Parameters<typeof real.moodle.moodleEnrolStudent>[0]) {
          if (holding && input.courseIds.length > 0) {
            enteredHold();
            await held;
          }
          return real.moodle.moodleEnrolStudent(input);
        },
      },
    }),
  });
}, 120_000);
afterAll(async () => {
  release();
  await stack?.close();
});

const closedRun = async (workflowId: string) => {
  const handle = stack.env.client.workflow.getHandle(workflowId);
  await eventually(() => handle.describe().then((d) => d.status.name, () => 'NOT_STARTED'), (s) => s !== 'RUNNING' && s !== 'NOT_STARTED', 30_000);
  return { status: (await handle.describe()).status.name, result: (await handle.result()) as { outcome: string; enrolledCourses?: string[] } };
};

it('a withdrawal that finishes before an overlapping enrolment lands still leaves the student in no course of the cancelled program', async () => {
  const student = await stack.erp.insert('Student', { first_name: 'Race', last_name: 'Withdrawn', student_email_id: 'race.withdrawn@students.cbu.example' });
  expect((await closedRun(`onboard:${student.name}`)).result.outcome).toBe('created');
  const [account] = await stack.moodle.getUsersByField('idnumber', [student.name]);

  holding = true;
  held = new Promise((resolve) => (release = resolve));
  const entered = new Promise<void>((resolve) => (enteredHold = resolve));
  const pe = await stack.erp.insert('Program Enrollment', { student: student.name, program: 'BSc Nursing', academic_year: '2026-27', academic_term: '2026-27 (Autumn)', enrollment_date: '2026-09-01', docstatus: 1 });
  await entered;

  await stack.erp.cancel('Program Enrollment', pe.name);
  const cancelled = await stack.erp.getDoc('Program Enrollment', pe.name);
  const withdrawal = await closedRun(`withdraw:${pe.name}@${String(cancelled.modified)}`);
  expect(withdrawal).toMatchObject({ status: 'COMPLETED', result: { outcome: 'withdrawn' } });

  holding = false;
  release();
  const enrolment = await closedRun(`enroll:${pe.name}`);
  const active = (await stack.moodle.getUsersCourses(account.id)).map((c) => c.idnumber);
  expect({ status: enrolment.status, outcome: enrolment.result.outcome, enrolledCourses: enrolment.result.enrolledCourses, active }).toEqual({
    status: 'COMPLETED',
    outcome: 'enrolled',
    enrolledCourses: [],
    active: [],
  });
}, 90_000);

import { closedRunResult, eventually, startLifecycleStack, type LifecycleStack } from './lifecycle-stack';
import { submitProgramEnrollment } from '../support/program-enrollment';

/**
 * Onboarding reads what the student is granted beside the account look-up (issue 12's steady
 * p99), so that read can come before the Program Enrollment is submitted. Here the Student is
 * inserted alone, onboarding is held in its account create until the Program Enrollment has been
 * submitted and its workflows (the enrollment's and Education's four Course Enrollments') have
 * handed their events over: the early read saw nothing, so onboarding must read again and enrol
 * the program, not finish with no courses.
 */
jest.setTimeout(60_000);

let stack: LifecycleStack;
let releaseCreate: () => void = () => undefined;
const createReleased = new Promise<void>((resolve) => (releaseCreate = resolve));

beforeAll(async () => {
  stack = await startLifecycleStack({
    activities: (real) => ({
      ...real,
      moodle: {
        ...real.moodle,
        async moodleCreateStudentUser(desired: Parameters<typeof real.moodle.moodleCreateStudentUser>[0]) {
          await createReleased;
          return real.moodle.moodleCreateStudentUser(desired);
        },
      },
    }),
  });
}, 120_000);
afterAll(async () => {
  releaseCreate();
  await stack?.close();
});

const result = <T = { outcome: string; enrolledCourses?: string[] }>(id: string) => closedRunResult<T>(stack, id);
/** The activities a run has scheduled so far, by type, in order. */
async function scheduled(workflowId: string): Promise<string[]> {
  const history = await stack.temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name ?? ''] : []));
}
/** Whether the run's history holds a completed activity of this type. */
async function completed(workflowId: string, activityType: string): Promise<boolean> {
  const history = await stack.temporal.workflow.getHandle(workflowId).fetchHistory();
  const types = new Map<string, string>();
  for (const e of history.events ?? []) {
    if (e.activityTaskScheduledEventAttributes) types.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    const done = e.activityTaskCompletedEventAttributes?.scheduledEventId;
    if (done !== undefined && done !== null && types.get(String(done)) === activityType) return true;
  }
  return false;
}

it('reads again for a Program Enrollment submitted after its early read, and enrols the program', async () => {
  const student = await stack.erp.insert('Student', { first_name: 'Ada', last_name: 'Lovelace', student_email_id: 'ada.lovelace.early@students.cbu.example', city: 'York' });
  const onboarding = `onboard:${student.name}`;
  // The early read is done (nothing submitted yet) and the create is held.
  expect(await eventually(() => completed(onboarding, 'erpnextCoursesGranted').catch(() => false), Boolean)).toBe(true);
  expect(await eventually(() => scheduled(onboarding).catch((): string[] => []), (types) => types.includes('moodleCreateStudentUser'))).toContain('moodleCreateStudentUser');

  const pe = await submitProgramEnrollment(stack.erp, student.name, 'BA Business');
  // Handed to the onboarding run, which is still held.
  expect(await result(`enroll:${String(pe.name)}`)).toMatchObject({ outcome: 'awaiting-onboarding' });
  const courseEnrollments = await stack.erp.getList('Course Enrollment', { fields: ['name'], filters: [['program_enrollment', '=', pe.name]] });
  expect(courseEnrollments).toHaveLength(4);
  for (const { name } of courseEnrollments) {
    expect(await result(`course-enrollment:${String(name)}:after_insert`)).toMatchObject({ outcome: 'handed-to-onboarding' });
  }
  releaseCreate();

  const outcome = await result(onboarding);
  expect(outcome).toMatchObject({ outcome: 'created' });
  expect([...outcome.enrolledCourses!].sort()).toEqual(['ACC101', 'BUS101', 'BUS102', 'ECON101']);
  // The early read, then the read the handovers it did not cover asked for.
  expect((await scheduled(onboarding)).filter((type) => type === 'erpnextCoursesGranted')).toHaveLength(2);
  const [account] = stack.moodleSandbox.state.users.filter((u) => u.idnumber === student.name);
  expect((await stack.moodle.getUsersCourses(account!.id)).map((c) => c.idnumber).sort()).toEqual(['ACC101', 'BUS101', 'BUS102', 'ECON101']);
});

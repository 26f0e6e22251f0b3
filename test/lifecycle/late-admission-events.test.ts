import { closedRunResult, eventually, runStatus, sandboxRequests, startLifecycleStack, type LifecycleStack } from './lifecycle-stack';
import { admitWithLateEnrolmentEvents } from './late-admission';

/**
 * In a term-start burst the site delivers a Data Import's Student webhooks before its enrolment
 * ones, so the Program Enrollment's and Education's four Course Enrollments' events mostly arrive
 * after their onboarding has finished. Here, on the real stack, the lifecycle Webhooks are off
 * while the Student and its submitted Program Enrollment are inserted; onboarding is then started
 * as the Student's delivery starts it, and once it has completed the enrolment events are started
 * as their late deliveries would start them. They are answered from what the onboarding's result
 * says it covered: no request to either system, the student enrolled once.
 */
jest.setTimeout(60_000);

let stack: LifecycleStack;

beforeAll(async () => {
  stack = await startLifecycleStack();
});
afterAll(async () => stack?.close());

const requests = sandboxRequests;
const status = (id: string) => runStatus(stack, id);
const result = <T = { outcome: string; enrolledCourses?: string[] }>(id: string) => closedRunResult<T>(stack, id);

it("answers an admission's late Program and Course Enrollment events from the completed onboarding, with no request to ERPNext or Moodle", async () => {
  const { student, programEnrollment, courseEnrollments, deliverEnrolmentEvents } = await admitWithLateEnrolmentEvents(stack, 'mary.somerville');
  expect(courseEnrollments).toHaveLength(4);
  const onboarding = await result<{ outcome: string; coverage: { programEnrollments: string[] } }>(`onboard:${student}`);
  expect(onboarding).toMatchObject({ outcome: 'created', coverage: { programEnrollments: [programEnrollment] } });
  // The write-back's on_update reaches the profile workflow; let it settle before counting.
  await eventually(() => status(`profile:${student}`), (s) => s !== undefined);
  await new Promise((resolve) => setTimeout(resolve, 1000));

  for (const url of [stack.moodleSandbox.url, stack.erpnextSandbox.url]) await fetch(`${url}/__sandbox/requests`, { method: 'DELETE' });
  await deliverEnrolmentEvents();
  expect(await result(`enroll:${programEnrollment}`)).toMatchObject({ outcome: 'enrolled-by-onboarding' });
  for (const ce of courseEnrollments) expect(await result(`course-enrollment:${ce.name}:after_insert`)).toMatchObject({ outcome: 'covered-by-program-enrollment' });
  expect(await requests(stack.erpnextSandbox.url)).toEqual({});
  expect(await requests(stack.moodleSandbox.url)).toEqual({});

  const [account] = stack.moodleSandbox.state.users.filter((u) => u.idnumber === student);
  expect((await stack.moodle.getUsersCourses(account!.id)).map((c) => c.idnumber).sort()).toEqual(['ACC101', 'BUS101', 'BUS102', 'ECON101']);
});

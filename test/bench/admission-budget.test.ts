import { closedRunResult, eventually, runStatus, sandboxRequests, startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import { submitProgramEnrollment } from '../support/program-enrollment';

/**
 * Towards the steady-flow budget of issue 12 (at most 5 ERPNext and 5 Moodle calls per admission;
 * the onboarding bench measures the total) on the lifecycle stack: a Student and its submitted Program Enrollment inserted together, every
 * webhook fired by the ERPNext sandbox. The Program Enrollment's and Education's four Course
 * Enrollments' workflows hand their events to the running onboarding, which enrols once.
 */
jest.setTimeout(60_000);

let stack: LifecycleStack;

beforeAll(async () => {
  stack = await startLifecycleStack();
});
afterAll(async () => stack?.close());

const requests = sandboxRequests;
/** Requests the test itself makes while reading back, to leave out of the bridge's. */
const ownRequests: Record<string, number> = {};
async function own<T>(read: () => Promise<T>): Promise<T> {
  const before = { ...(await requests(stack.moodleSandbox.url)), ...(await requests(stack.erpnextSandbox.url)) };
  const value = await read();
  const after = { ...(await requests(stack.moodleSandbox.url)), ...(await requests(stack.erpnextSandbox.url)) };
  for (const [key, n] of Object.entries(after)) ownRequests[key] = (ownRequests[key] ?? 0) + n - (before[key] ?? 0);
  return value;
}
const bridge = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).map(([key, n]) => [key, n - (ownRequests[key] ?? 0)]));
const status = (id: string) => runStatus(stack, id);
const result = <T = { outcome: string; enrolledCourses?: string[] }>(id: string) => closedRunResult<T>(stack, id);

it('an admission hands its enrolment events to onboarding: one create, one enrol, no Course Enrollment read, one account and mail', async () => {
  for (const url of [stack.moodleSandbox.url, stack.erpnextSandbox.url]) await fetch(`${url}/__sandbox/requests`, { method: 'DELETE' });
  const student = await stack.erp.insert('Student', { first_name: 'Grace', last_name: 'Hopper', student_email_id: 'grace.hopper@students.cbu.example', city: 'York' });
  const pe = await submitProgramEnrollment(stack.erp, student.name, 'BA Business');
  const onboarding = await result(`onboard:${student.name}`);
  expect(onboarding).toMatchObject({ outcome: 'created' });
  expect([...onboarding.enrolledCourses!].sort()).toEqual(['ACC101', 'BUS101', 'BUS102', 'ECON101']);
  expect(await result(`enroll:${String(pe.name)}`)).toMatchObject({ outcome: 'awaiting-onboarding' });
  const courseEnrollments = await own(() => stack.erp.getList('Course Enrollment', { fields: ['name'], filters: [['program_enrollment', '=', pe.name]] }));
  expect(courseEnrollments).toHaveLength(4);
  for (const { name } of courseEnrollments) {
    expect(await result(`course-enrollment:${String(name)}:after_insert`)).toMatchObject({ outcome: 'handed-to-onboarding' });
  }
  // The write-back's on_update reaches the profile workflow; let it settle before counting.
  await eventually(() => status(`profile:${student.name}`), (s) => s !== undefined);
  await new Promise((resolve) => setTimeout(resolve, 1000));

  const accounts = stack.moodleSandbox.state.users.filter((u) => u.idnumber === student.name);
  expect(accounts).toHaveLength(1);
  expect(stack.moodleSandbox.state.mail.filter((m) => m.userid === accounts[0]!.id)).toHaveLength(1);
  expect((await own(() => stack.moodle.getUsersCourses(accounts[0]!.id))).map((c) => c.idnumber).sort()).toEqual(['ACC101', 'BUS101', 'BUS102', 'ECON101']);
  const moodle = bridge(await requests(stack.moodleSandbox.url));
  const erpnext = bridge(await requests(stack.erpnextSandbox.url));
  // What the onboarding and enrolment runs cost: one look-up each way, one create, one enrol; one
  // read of the Program Enrollments, one write-back, no Course Enrollment read. The Student's
  // profile workflow (its on_update webhooks) adds a read or two when the insert's on_update
  // arrives before onboarding has an account, so the 5 + 5 total is the bench's steady figure.
  expect(moodle).toMatchObject({ core_user_get_users: 1, core_user_create_users: 1, enrol_manual_enrol_users: 1 });
  expect(moodle.core_user_get_users_by_field).toBeLessThanOrEqual(2);
  expect(erpnext).toMatchObject({ 'PUT Student': 1, 'GET Program Enrollment': 1 });
  expect(erpnext['GET Course Enrollment'] ?? 0).toBe(0);
  expect(erpnext['GET Program'] ?? 0).toBeLessThanOrEqual(1);
});

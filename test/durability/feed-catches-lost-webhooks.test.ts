import type { ScheduleHandle } from '@temporalio/client';
import { WaitingOn } from '../../src/common/search-attributes';
import type { ProfileState } from '../../workflows/sync-profile';
import { eventually, startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';
import { completedFeedRuns, feedRunsAfterNow, runsOf, setWebhooksEnabled, startChangeFeed } from './feed-support';
import { submitProgramEnrollment } from '../support/program-enrollment';

/**
 * The change feed on the real dev server with both sandboxes: with every ERPNext Webhook disabled
 * it alone brings Moodle to the state the webhooks would have, and an event both paths see is
 * handled once.
 */
let stack: LifecycleStack;
let schedule: ScheduleHandle;

beforeAll(async () => {
  stack = await startLifecycleStack();
  schedule = await startChangeFeed(stack.env.client, { interval: '2s' });
  // The first run only marks where the feed starts (ERPNext's newest documents).
  await feedRunsAfterNow(stack.env.client, 1);
}, 120_000);
afterAll(async () => {
  await schedule?.delete();
  await stack?.close();
});

async function finished(workflowId: string) {
  const handle = stack.env.client.workflow.getHandle(workflowId);
  const status = await eventually(
    () => handle.describe().then((d) => d.status.name, () => 'NOT_STARTED'),
    (s) => s !== 'RUNNING' && s !== 'NOT_STARTED',
    40_000,
  );
  return { status, result: status === 'COMPLETED' ? ((await handle.result()) as Record<string, unknown>) : undefined };
}

const activeCourses = async (userId: number) => (await stack.moodle.getUsersCourses(userId)).map((c) => c.idnumber).sort();
const accountOf = async (student: string) => (await stack.moodle.getUsersByField('idnumber', [student]))[0];

describe('change feed with webhooks disabled', () => {
  beforeAll(async () => setWebhooksEnabled(stack.erp, false));

  it('onboards, enrols, enrols a single course, withdraws it when deleted, and withdraws a cancelled program', async () => {
    const student = await stack.erp.insert('Student', { first_name: 'Ada', last_name: 'Feedlace', student_email_id: 'ada.feedlace@students.cbu.example' });
    expect(await finished(`onboard:${student.name}`)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'created' } });
    const account = await accountOf(student.name);
    // The feed lists the Student again after onboarding's write-back; the listed fields show that
    // nothing Moodle mirrors changed, so that save costs the profile workflow no call. (The feed's
    // first listing may have it look before onboarding finished: no account yet, no Moodle call.)
    const profile = stack.env.client.workflow.getHandle(`profile:${student.name}`);
    const profileState = await eventually(() => profile.query<ProfileState>('profileState'), (s) => s.unchangedSaves >= 1, 20_000);
    expect(profileState.unchangedSaves).toBeGreaterThanOrEqual(1);
    expect([undefined, 'no-moodle-account']).toContain(profileState.last?.outcome);

    const pe = await submitProgramEnrollment(stack.erp, student.name, 'BSc Nursing');
    expect(await finished(`enroll:${pe.name}`)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'enrolled' } });
    expect(await activeCourses(account.id)).toEqual(['NUR101', 'NUR102', 'NUR103']);

    const single = await stack.erp.insert('Course Enrollment', { student: student.name, course: 'PHO150', program_enrollment: pe.name, enrollment_date: '2026-09-02' });
    expect(await finished(`course-enrollment:${single.name}:after_insert`)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'enrolled' } });
    expect(await activeCourses(account.id)).toEqual(['NUR101', 'NUR102', 'NUR103', 'PHO150']);

    // A deletion leaves no row to list: the feed compares what enrollCourse enrolled with what exists.
    await stack.erp.delete('Course Enrollment', single.name);
    expect(await finished(`course-enrollment:${single.name}:on_trash`)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'withdrawn' } });
    expect(await activeCourses(account.id)).toEqual(['NUR101', 'NUR102', 'NUR103']);

    await stack.erp.cancel('Program Enrollment', pe.name);
    const cancelled = await stack.erp.getDoc('Program Enrollment', pe.name);
    expect(await finished(`withdraw:${pe.name}@${String(cancelled.modified)}`)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'withdrawn' } });
    expect(await activeCourses(account.id)).toEqual([]);

    // Each of those runs was started by the feed alone, and it says so.
    const caught = (await completedFeedRuns(stack.env.client)).flatMap((r) => r.report.caughtWorkflowIds);
    for (const id of [`onboard:${student.name}`, `enroll:${pe.name}`, `course-enrollment:${single.name}:after_insert`, `course-enrollment:${single.name}:on_trash`]) {
      expect(caught).toContain(id);
    }
    expect(await runsOf(stack.env.client, `onboard:${student.name}`)).toBe(1);
  });

  it('onboards a Student whose placeholder email became deliverable (the onboarding had completed no-email)', async () => {
    const student = await stack.erp.insert('Student', { first_name: 'Pat', last_name: 'Placeholder', student_email_id: 'pending-pat@students.invalid' });
    expect(await finished(`onboard:${student.name}`)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'no-email' } });
    await stack.erp.update('Student', student.name, { student_email_id: 'pat.placeholder@students.cbu.example' });
    const account = await eventually(() => accountOf(student.name), (a) => a !== undefined, 40_000);
    expect(account).toMatchObject({ email: 'pat.placeholder@students.cbu.example' });
    expect(await finished(`onboard:${student.name}`)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'created' } });
    expect(await runsOf(stack.env.client, `onboard:${student.name}`)).toBe(2);
  });
});

describe('change feed beside working webhooks', () => {
  beforeAll(async () => setWebhooksEnabled(stack.erp, true));

  it('handles an event both paths see once, and counts it as already handled, not caught', async () => {
    const before = (await completedFeedRuns(stack.env.client)).length;
    const student = await stack.erp.insert('Student', { first_name: 'Both', last_name: 'Paths', student_email_id: 'both.paths@students.cbu.example' });
    expect(await finished(`onboard:${student.name}`)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'created' } });
    const pe = await submitProgramEnrollment(stack.erp, student.name, 'BA Business');
    expect(await finished(`enroll:${pe.name}`)).toMatchObject({ status: 'COMPLETED', result: { outcome: 'enrolled' } });
    await feedRunsAfterNow(stack.env.client, 2);
    const runs = (await completedFeedRuns(stack.env.client)).slice(before);
    expect(runs.flatMap((r) => r.report.caughtWorkflowIds)).toEqual([]);
    // The Program Enrollment (and its Course Enrollments) came to the feed after their webhooks had started them.
    expect(runs.reduce((n, r) => n + r.report.alreadyHandled, 0)).toBeGreaterThanOrEqual(1);
    expect(runs.reduce((n, r) => n + r.report.signalled, 0)).toBeGreaterThanOrEqual(1);
    expect(await runsOf(stack.env.client, `onboard:${student.name}`)).toBe(1);
    expect(await runsOf(stack.env.client, `enroll:${pe.name}`)).toBe(1);
    expect((await stack.moodle.getUsersByField('idnumber', [student.name])).length).toBe(1);
    const description = await stack.env.client.workflow.getHandle(`onboard:${student.name}`).describe();
    expect(description.typedSearchAttributes.get(WaitingOn)).toBeUndefined();
  });
});

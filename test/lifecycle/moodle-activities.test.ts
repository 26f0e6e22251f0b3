import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createMoodleActivities, type MoodleActivities } from '../../activities/moodle';
import { createMoodleClient, type MoodleClient } from '../../src/moodle/client';
import { demoStudents } from '../../sandboxes/demo-data';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { enrolledUsers } from '../moodle/support/enrolled-users';

/** The lifecycle's Moodle activities against the protocol-faithful sandbox, seeded with the demo institution. */

/** Each activity runs in an activity context of its own, as a worker would run it (they pass its cancellation to the client). */
function inActivityContext(set: MoodleActivities): MoodleActivities {
  const run = (fn: (...args: never[]) => Promise<unknown>) => (...args: never[]) => new MockActivityEnvironment().run(fn, ...args);
  return Object.fromEntries(Object.entries(set).map(([name, fn]) => [name, run(fn)])) as unknown as MoodleActivities;
}

let sandbox: MoodleSandbox;
let client: MoodleClient;
let site: { url: string; token: string };
let activities: MoodleActivities;

beforeEach(async () => {
  sandbox = await startMoodleSandbox({ seed: 'demo' });
  site = { url: sandbox.url, token: 'dev-moodle-token' };
  client = createMoodleClient(site);
  activities = inActivityContext(createMoodleActivities(client, { auth: 'manual' }));
});
afterEach(async () => sandbox.close());

const handMade = demoStudents.find((s) => s.moodle === 'unlinked-same-email')!;
const conflicting = demoStudents.find((s) => s.moodle === 'conflicting-idnumber')!;
const fresh = demoStudents.find((s) => s.moodle === 'none' && s.hasRealEmail)!;

const desired = (s: (typeof demoStudents)[number]) => ({
  idnumber: s.name,
  username: s.name.toLowerCase(),
  firstname: s.firstName,
  lastname: s.lastName,
  email: s.email,
  phone1: s.mobile,
  address: s.address.line1,
  city: s.address.city,
  customfields: {},
});

describe('moodleFindStudentAccounts', () => {
  it('finds a hand-made account whose email differs only in case', async () => {
    const found = await activities.moodleFindStudentAccounts({ idnumber: handMade.name, email: handMade.email.toUpperCase() });
    expect(found.byIdnumber).toEqual([]);
    expect(found.byEmail).toEqual([expect.objectContaining({ idnumber: '', email: handMade.email })]);
  });

  it("reports an account with the student's email that carries another idnumber", async () => {
    const found = await activities.moodleFindStudentAccounts({ idnumber: conflicting.name, email: conflicting.email });
    expect(found.byEmail).toEqual([expect.objectContaining({ idnumber: 'EDU-STU-2025-00417' })]);
  });

  it('does not match other emails through LIKE wildcards', async () => {
    const wildcard = handMade.email.replace('.', '_');
    expect((await activities.moodleFindStudentAccounts({ idnumber: handMade.name, email: wildcard })).byEmail).toEqual([]);
  });
});

describe('moodleCreateStudentUser', () => {
  it('creates once with a mailed, generated password; a retry finds the same account', async () => {
    const first = await activities.moodleCreateStudentUser(desired(fresh));
    // A retry is a later attempt: it looks before creating (the first attempt creates at once).
    const retry = new MockActivityEnvironment({ attempt: 2 });
    const again = await retry.run(createMoodleActivities(client, { auth: 'manual' }).moodleCreateStudentUser, desired(fresh));
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    const [user] = await client.getUsersByField('idnumber', [fresh.name]);
    expect(user).toMatchObject({ id: first.id, username: fresh.name.toLowerCase(), email: fresh.email, city: fresh.address.city });
    expect(sandbox.state.mail.filter((m) => m.userid === first.id)).toHaveLength(1);
  });
});

describe('moodleLinkAccount', () => {
  it('sets the idnumber on the hand-made account, and writes nothing the second time', async () => {
    const [account] = (await activities.moodleFindStudentAccounts({ idnumber: handMade.name, email: handMade.email })).byEmail;
    expect(await activities.moodleLinkAccount({ userId: account.id, idnumber: handMade.name })).toEqual({ changed: true });
    expect(await activities.moodleLinkAccount({ userId: account.id, idnumber: handMade.name })).toEqual({ changed: false });
    expect((await client.getUsersByField('idnumber', [handMade.name])).map((u) => u.id)).toEqual([account.id]);
  });
});

describe('moodleSyncProfile', () => {
  it('pushes only changed fields, judging hidden ones by the baseline', async () => {
    const { id } = await activities.moodleCreateStudentUser(desired(fresh));
    const written = desired(fresh);
    expect(await activities.moodleSyncProfile({ userId: id, desired: written, baseline: written })).toEqual({ changed: [] });
    expect(await activities.moodleSyncProfile({ userId: id, desired: { ...written, city: 'Hull' }, baseline: written })).toEqual({ changed: ['city'] });
    // Phone and address are not shown to the web-service role; the baseline says whether ERPNext changed them.
    const moved = { ...written, city: 'Hull', address: '1 Ferensway' };
    expect(await activities.moodleSyncProfile({ userId: id, desired: moved, baseline: { ...written, city: 'Hull' } })).toEqual({ changed: ['address'] });
    expect(sandbox.state.users.find((u) => u.id === id)).toMatchObject({ city: 'Hull', address: '1 Ferensway', phone1: fresh.mobile });
  });

  it('refuses an email another account has, without quoting it', async () => {
    const { id } = await activities.moodleCreateStudentUser(desired(fresh));
    const taken = { ...desired(fresh), email: handMade.email.toUpperCase() };
    const failure = await activities.moodleSyncProfile({ userId: id, desired: taken, baseline: desired(fresh) }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'MoodleUpdateRejected', nonRetryable: true });
    expect((failure as Error).message).not.toContain('@');
  });
});

describe('courses, enrolment and withdrawal', () => {
  it('resolves course idnumbers, reporting those without a Moodle course', async () => {
    const resolution = await activities.moodleResolveCourses(['NUR101', 'NUR110']);
    expect(resolution.courses.map((c) => c.idnumber)).toEqual(['NUR101']);
    expect(resolution.missing).toEqual(['NUR110']);
  });

  it('unenrols only ungraded courses, and a retried withdrawal leaves the grade-keeping suspension alone', async () => {
    const { id: userId } = await activities.moodleCreateStudentUser(desired(fresh));
    const { courses } = await activities.moodleResolveCourses(['BUS101', 'BUS102']);
    const [graded, ungraded] = courses.map((c) => c.id);
    await activities.moodleEnrolStudent({ userId, courseIds: [graded, ungraded], roleId: 5 });
    const item = sandbox.state.gradeItems.find((candidate) => candidate.courseid === graded && candidate.cmid !== undefined)!;
    await fetch(`${sandbox.url}/__sandbox/grades`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cmid: item.cmid, grades: [{ userid: userId, grade: 64 }] }) });

    const withdrawal = { userId, courseIds: [graded, ungraded], roleId: 5, mode: 'unenrol' as const };
    expect(await activities.moodleWithdrawStudent(withdrawal)).toEqual({ suspended: [graded], unenrolled: [ungraded], keptForGrades: [graded] });
    // The same activity again, as Temporal retries it after a lost response: nothing more to do.
    expect(await activities.moodleWithdrawStudent(withdrawal)).toEqual({ suspended: [], unenrolled: [], keptForGrades: [] });
    expect((await enrolledUsers(site, graded)).map((u) => u.id)).toContain(userId);
    const { usergrades } = await client.getGradeItems(graded, userId);
    expect(usergrades[0].gradeitems.find((i) => i.cmid === item.cmid)?.graderaw).toBe(64);
  });

  it('asks Moodle once per found course, but asks again for a missing one until it exists', async () => {
    const lookups = async () => ((await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Record<string, number>).core_course_get_courses_by_field ?? 0;
    await activities.moodleResolveCourses(['NUR101', 'NUR110']);
    await activities.moodleResolveCourses(['NUR101', 'NUR110']);
    expect(await lookups()).toBe(3);

    const body = new URLSearchParams({ wstoken: 'dev-moodle-token', wsfunction: 'core_course_create_courses', moodlewsrestformat: 'json' });
    Object.entries({ fullname: 'Clinical Placement I', shortname: 'NUR110', idnumber: 'NUR110', categoryid: '1' }).forEach(([k, v]) => body.set(`courses[0][${k}]`, v));
    await fetch(`${sandbox.url}/webservice/rest/server.php`, { method: 'POST', body });
    const resolution = await activities.moodleResolveCourses(['NUR101', 'NUR110']);
    expect(resolution).toEqual({ courses: [expect.objectContaining({ idnumber: 'NUR101' }), expect.objectContaining({ idnumber: 'NUR110' })], missing: [] });
    expect(await lookups()).toBe(4);
  });

  it('enrols in one batch, then suspends (keeping the enrolment) or unenrols', async () => {
    const { id: userId } = await activities.moodleCreateStudentUser(desired(fresh));
    const { courses } = await activities.moodleResolveCourses(['BUS101', 'BUS102']);
    const courseIds = courses.map((c) => c.id);
    await activities.moodleEnrolStudent({ userId, courseIds, roleId: 5 });
    expect((await client.getUsersCourses(userId)).map((c) => c.id).sort()).toEqual([...courseIds].sort());

    const suspended = await activities.moodleWithdrawStudent({ userId, courseIds: [courseIds[0]], roleId: 5, mode: 'suspend' });
    expect(suspended).toEqual({ suspended: [courseIds[0]], unenrolled: [], keptForGrades: [] });
    expect((await client.getUsersCourses(userId)).map((c) => c.id)).toEqual([courseIds[1]]);
    // Suspended, not removed: still listed among the course's enrolled users.
    expect((await enrolledUsers(site, courseIds[0])).map((u) => u.id)).toContain(userId);

    const unenrolled = await activities.moodleWithdrawStudent({ userId, courseIds: [courseIds[1]], roleId: 5, mode: 'unenrol' });
    expect(unenrolled).toEqual({ suspended: [], unenrolled: [courseIds[1]], keptForGrades: [] });
    expect((await enrolledUsers(site, courseIds[1])).map((u) => u.id)).not.toContain(userId);
  });
});

describe('cancellation', () => {
  it("passes the activity's cancellation to the request in flight and heartbeats after each answered request", async () => {
    const raw = createMoodleActivities(client, { auth: 'manual' });
    const { courses } = await activities.moodleResolveCourses(['BUS101', 'BUS102']);
    const { id: userId } = await activities.moodleCreateStudentUser(desired(fresh));

    const answered = new MockActivityEnvironment();
    let heartbeats = 0;
    answered.on('heartbeat', () => heartbeats++);
    await answered.run(raw.moodleWithdrawStudent, { userId, courseIds: courses.map((c) => c.id), roleId: 5, mode: 'suspend' as const });
    expect(heartbeats).toBeGreaterThanOrEqual(1);

    await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 2_000 }) });
    const cancelled = new MockActivityEnvironment();
    const started = Date.now();
    const pending = cancelled.run(raw.moodleEnrolStudent, { userId, courseIds: courses.map((c) => c.id), roleId: 5 });
    setTimeout(() => cancelled.cancel(), 50);
    await expect(pending).rejects.toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

import { MockActivityEnvironment } from '@temporalio/testing';
import { createMoodleCompletionActivities } from '../../activities/moodle-completion';
import { createMoodleClient } from '../../src/moodle/client';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { addProvisioningRoot } from '../../sandboxes/moodle/seeds/roster';

/*
 * The completion read against the Moodle sandbox over HTTP: a course without completion criteria
 * answers every student `nocriteriaset` (capture 252), so once one answer says so the read stops
 * asking and reports the course as having no criteria; a course with criteria is asked for each.
 */
let sandbox: MoodleSandbox;
let categoryId: number;
const students = 10;
const studentRoleId = 5;
let userIds: number[];

async function ws(wsfunction: string, params: Record<string, string | number>): Promise<any> {
  const body = new URLSearchParams({ wstoken: 'dev-moodle-token', moodlewsrestformat: 'json', wsfunction, ...Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)])) });
  const result = await (await fetch(`${sandbox.url}/webservice/rest/server.php`, { method: 'POST', body })).json();
  if (result && typeof result === 'object' && 'exception' in result) throw new Error(`${wsfunction}: ${JSON.stringify(result)}`);
  return result;
}

/** A new course with the ten students enrolled. */
async function courseWithStudents(shortname: string): Promise<number> {
  const [course] = await ws('core_course_create_courses', { 'courses[0][fullname]': shortname, 'courses[0][shortname]': shortname, 'courses[0][categoryid]': categoryId, 'courses[0][enablecompletion]': 1 });
  const enrolments = Object.fromEntries(
    userIds.flatMap((userid, i) => [
      [`enrolments[${i}][roleid]`, studentRoleId],
      [`enrolments[${i}][userid]`, userid],
      [`enrolments[${i}][courseid]`, course.id],
    ]),
  );
  await ws('enrol_manual_enrol_users', enrolments);
  return course.id as number;
}

async function statusRequests(): Promise<number> {
  const counts = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Record<string, number>;
  return counts.core_completion_get_course_completion_status ?? 0;
}

beforeAll(async () => {
  sandbox = await startMoodleSandbox({ seed: 'demo' });
  categoryId = addProvisioningRoot(sandbox.state).id;
  const users = Object.fromEntries(
    Array.from({ length: students }, (_, i) => [
      [`users[${i}][username]`, `completion.probe.${i}`],
      [`users[${i}][password]`, 'Probe-pass-1!'],
      [`users[${i}][firstname]`, 'Probe'],
      [`users[${i}][lastname]`, `Student${i}`],
      [`users[${i}][email]`, `completion.probe.${i}@students.cbu.example`],
      [`users[${i}][idnumber]`, `EDU-STU-2026-9${String(i).padStart(4, '0')}`],
    ]).flat(),
  );
  userIds = ((await ws('core_user_create_users', users)) as { id: number }[]).map((user) => user.id);
});
afterAll(() => sandbox?.close());

const read = (courseId: number) => {
  const { moodleReadCourseCompletions } = createMoodleCompletionActivities(createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token' }));
  return new MockActivityEnvironment().run(moodleReadCourseCompletions, { courseId, studentRoleId, since: 0 });
};

test('a course without criteria is reported as such after the first answers, not asked for every student', async () => {
  const courseId = await courseWithStudents('CB-NOCRIT');
  const before = await statusRequests();
  const result = await read(courseId);
  expect(result).toEqual({ criteria: false, students, completions: [], watermark: 0 });
  // At most the requests already in flight when the first answer came back (four at once).
  expect((await statusRequests()) - before).toBeLessThanOrEqual(4);
});

test('a course with criteria is asked for each student', async () => {
  const courseId = await courseWithStudents('CB-CRIT');
  await fetch(`${sandbox.url}/__sandbox/completion/criteria`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ courseid: courseId, gradepass: 50 }) });
  const before = await statusRequests();
  const result = await read(courseId);
  expect(result).toMatchObject({ criteria: true, students, completions: [] });
  expect((await statusRequests()) - before).toBe(students);
});

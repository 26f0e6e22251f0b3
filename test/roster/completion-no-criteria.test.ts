import { MockActivityEnvironment } from '@temporalio/testing';
import { createMoodleCompletionActivities } from '../../activities/moodle-completion';
import { createMoodleClient, type MoodleClient } from '../../src/moodle/client';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { addProvisioningRoot } from '../../sandboxes/moodle/seeds/roster';

/*
 * The completion read against the Moodle sandbox over HTTP: a course without completion criteria
 * answers every student `nocriteriaset` (capture 252), so once one answer says so the read stops
 * asking and reports the course as having no criteria; a course with criteria is asked for each.
 */
let sandbox: MoodleSandbox;
let moodle: MoodleClient;
let categoryId: number;
const students = 10;
const studentRoleId = 5;
let userIds: number[];

/** A new course with the ten students enrolled. */
async function courseWithStudents(shortname: string): Promise<number> {
  const [course] = await moodle.createCourses([{ fullname: shortname, shortname, categoryid: categoryId, idnumber: shortname, enablecompletion: 1 }]);
  await moodle.enrolUsers(userIds.map((userid) => ({ roleid: studentRoleId, userid, courseid: course!.id })));
  return course!.id;
}

async function statusRequests(): Promise<number> {
  const counts = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Record<string, number>;
  return counts.core_completion_get_course_completion_status ?? 0;
}

beforeAll(async () => {
  sandbox = await startMoodleSandbox({ seed: 'demo' });
  moodle = createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token' });
  categoryId = addProvisioningRoot(sandbox.state).id;
  const users = Array.from({ length: students }, (_, i) => ({
    username: `completion.probe.${i}`,
    password: 'Probe-pass-1!',
    firstname: 'Probe',
    lastname: `Student${i}`,
    email: `completion.probe.${i}@students.cbu.example`,
    idnumber: `EDU-STU-2026-9${String(i).padStart(4, '0')}`,
  }));
  userIds = (await moodle.createUsers(users)).map((user) => user.id);
});
afterAll(() => sandbox?.close());

const read = (courseId: number) => {
  const { moodleReadCourseCompletions } = createMoodleCompletionActivities(moodle);
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

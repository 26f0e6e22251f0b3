import { MockActivityEnvironment } from '@temporalio/testing';
import { createMoodleRosterActivities } from '../../activities/moodle-roster';
import { createMoodleClient, type MoodleClient } from '../../src/moodle/client';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { addProvisioningRoot, addTemplateCourse } from '../../sandboxes/moodle/seeds/roster';

/*
 * A course shell copied from the template course (`roster.templateCourse`): core_course_duplicate_course,
 * then the key set at once (a copy has no idnumber, capture 189), so a second ensure adopts the copy.
 */

let sandbox: MoodleSandbox;
let activities: ReturnType<typeof createMoodleRosterActivities>;
let categoryId: number;
let moodle: MoodleClient;
const ensure = (input: Parameters<typeof activities.moodleEnsureCourse>[0]): ReturnType<typeof activities.moodleEnsureCourse> => new MockActivityEnvironment().run(activities.moodleEnsureCourse, input);

beforeAll(async () => {
  sandbox = await startMoodleSandbox({ seed: 'demo' });
  categoryId = addProvisioningRoot(sandbox.state).id;
  addTemplateCourse(sandbox.state, { categoryid: categoryId });
  moodle = createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token' });
  activities = createMoodleRosterActivities(moodle);
});

afterAll(async () => {
  await sandbox?.close();
});

test('a new shell is a copy of the template with the key as idnumber, its activities and completion rule; ensuring it again adopts it', async () => {
  const shell = { key: 'NUR110', shortname: 'NUR110', fullname: 'Clinical Placement I (Autumn 2026-27)', categoryId, templateCourse: 'TEMPLATE-101', dryRun: false };
  const created = await ensure(shell);
  expect(created.action).toBe('created');
  const [copy] = (await moodle.getCoursesByField('idnumber', 'NUR110')).courses;
  expect(copy).toMatchObject({ id: created.courseId, idnumber: 'NUR110', shortname: 'NUR110', fullname: shell.fullname, categoryid: categoryId });
  const template = sandbox.state.courses.find((course) => course.idnumber === 'TEMPLATE-101')!;
  expect(sandbox.state.modules.filter((m) => m.courseid === copy.id).map((m) => m.name).sort()).toEqual(sandbox.state.modules.filter((m) => m.courseid === template.id).map((m) => m.name).sort());
  // The completion criteria travel with the activities, so completions can come back from the copy.
  expect(sandbox.state.activityCriteria.get(copy.id)).toHaveLength(2);

  const again = await ensure(shell);
  expect(again).toEqual({ courseId: copy.id, action: 'unchanged' });
  expect((await moodle.getCoursesByField('idnumber', 'NUR110')).courses).toHaveLength(1);
});

test('a template that does not exist is a permanent failure naming the setting', async () => {
  await expect(ensure({ key: 'NUR999', shortname: 'NUR999', fullname: 'x', categoryId, templateCourse: 'NO-SUCH', dryRun: false })).rejects.toMatchObject({ type: 'TemplateCourseMissing', nonRetryable: true });
});

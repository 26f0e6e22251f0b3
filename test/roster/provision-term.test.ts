import { createActivities } from '../../activities';
import { mappingSchema, type Mapping } from '../../src/config/mapping-file';
import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { createMoodleClient, type MoodleClient } from '../../src/moodle/client';
import { taskQueues } from '../../src/common/task-queues';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { demoAcademicTerm, demoInstructorOf, demoStudentGroups } from '../../sandboxes/demo-data';
import type { TaskQueueWorkers } from '../../src/temporal/task-queue-workers';
import type { ProvisionAllInput, ProvisionReport } from '../../workflows/provision-all';
import { startProvisioning } from '../../src/starters/roster-events';
import { bundleWorkflows, connectTestEnv, createTestWorkers, type TemporalTestEnv } from '../support/temporal';

jest.setTimeout(120_000);

/** Moodle web-service functions that write; a dry run or an unchanged re-run must call none of them. */
const writeFunctions = [
  'core_course_create_categories', 'core_course_update_categories', 'core_course_create_courses', 'core_course_update_courses', 'core_course_duplicate_course',
  'core_group_create_groups', 'core_group_update_groups', 'core_group_add_group_members', 'core_group_delete_group_members',
  'enrol_manual_enrol_users', 'enrol_manual_unenrol_users', 'core_role_unassign_roles', 'core_user_create_users', 'core_user_update_users',
];

let env: TemporalTestEnv;
let moodleSandbox: MoodleSandbox;
let erpnextSandbox: ErpnextSandbox;
let moodle: MoodleClient;
let erp: ErpnextClient;
let workers: TaskQueueWorkers;
let running: Promise<void>;
let mapping: Mapping;
let runs = 0;

const instructor = 'Ada Lovelace';
const courseGroup = 'CS101 2026-27';
const batchGroup = 'BSCCS 2026-27';

async function provision(dryRun = false): Promise<ProvisionReport> {
  const input: ProvisionAllInput = { settings: mapping.roster, studentRoleId: mapping.moodle.studentRoleId, auth: mapping.moodle.auth, dryRun };
  runs += 1;
  return env.client.workflow.execute('provisionAll', { taskQueue: taskQueues.workflows, workflowId: `provision:test-${runs}`, args: [input] });
}

async function moodleWrites(): Promise<number> {
  const counts = (await (await fetch(`${moodleSandbox.url}/__sandbox/requests`)).json()) as Record<string, number>;
  return writeFunctions.reduce((sum, name) => sum + (counts[name] ?? 0), 0);
}
const resetCounts = () => fetch(`${moodleSandbox.url}/__sandbox/requests`, { method: 'DELETE' });

async function courseByKey(key: string) {
  const [course] = (await moodle.getCoursesByField('idnumber', key)).courses;
  return course;
}

async function groupMembers(key: string, group: string): Promise<number[]> {
  const course = await courseByKey(key);
  const found = (await moodle.getCourseGroups(course.id)).find((g) => g.idnumber === group);
  if (!found) throw new Error(`no group ${group} in ${key}`);
  const [members] = await moodle.getGroupMembers([found.id]);
  return [...members.userids].sort((a, b) => a - b);
}

async function moodleIdsOf(students: readonly string[]): Promise<number[]> {
  return (await moodle.getUsersByField('idnumber', [...students])).map((user) => user.id).sort((a, b) => a - b);
}

async function teacherRoleHolders(key: string): Promise<string[]> {
  const course = await courseByKey(key);
  return (await moodle.getCourseParticipants(course.id)).filter((p) => p.roles.some((r) => r.roleid === mapping.roster.teachers.roleId)).map((p) => p.idnumber ?? '');
}

beforeAll(async () => {
  env = await connectTestEnv();
  moodleSandbox = await startMoodleSandbox({ seed: 'demo' });
  erpnextSandbox = await startErpnextSandbox({ seed: 'demo' });
  moodle = createMoodleClient({ url: moodleSandbox.url, token: 'dev-moodle-token' });
  erp = createErpnextClient({ url: erpnextSandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
  mapping = mappingSchema.parse({ roster: { unenrolledStudents: 'enrol', fullname: '{courseName} ({termName} {year})', teachers: { emailField: 'custom_email' } } });

  // The demo's instructors carry an e-mail in a Custom Field (as a deployment without Employee records would add);
  // CS101's group gets another instructor in place of the demo's.
  await erp.insert('Instructor', { instructor_name: instructor, custom_email: 'ada.lovelace@example.edu' });
  const group = await erp.getDoc('Student Group', courseGroup);
  await erp.update('Student Group', courseGroup, { instructors: [{ instructor }], modified: group.modified });

  workers = await createTestWorkers(env, { workflowBundle: await bundleWorkflows(), ...createActivities({ moodle, erpnext: erp, mapping }) });
  running = workers.run();
});

afterAll(async () => {
  workers?.shutdown();
  await running;
  await moodleSandbox?.close();
  await erpnextSandbox?.close();
  await env?.close();
});

test('a dry run reports the term and writes nothing in Moodle', async () => {
  await resetCounts();
  const report = await provision(true);
  expect(await moodleWrites()).toBe(0);
  expect(report.dryRun).toBe(true);
  expect(report.failed).toEqual([]);
  // NUR110 has no Moodle course yet: the dry run says it would create it.
  expect(report.courses.find((c) => c.key === 'NUR110')?.course).toBe('created');
  expect(await courseByKey('NUR110')).toBeUndefined();
  expect(await moodle.getCategories({ key: 'idnumber', value: `term:${demoAcademicTerm.name}` })).toEqual([]);
});

test('provisioning the demo term creates the category tree, one course per offering, each group with exactly its members, and the teacher', async () => {
  const report = await provision();
  expect(report.failed).toEqual([]);
  const offered = demoStudentGroups.filter((g) => g.basedOn === 'Course').map((g) => g.course!).sort();
  expect(report.courses.map((c) => c.key).sort()).toEqual(offered);

  const [term] = await moodle.getCategories({ key: 'idnumber', value: `term:${demoAcademicTerm.name}` });
  expect(term.name).toBe('Autumn 2026-27');
  const [program] = await moodle.getCategories({ key: 'idnumber', value: `term:${demoAcademicTerm.name}/program:BSc Nursing` });
  expect(program.parent).toBe(term.id);
  // Existing courses with the key are adopted (moved and renamed), the missing one created: never a second course for one key.
  for (const key of offered) {
    const { courses } = await moodle.getCoursesByField('idnumber', key);
    expect(courses).toHaveLength(1);
  }
  const nur110 = await courseByKey('NUR110');
  expect(nur110.categoryid).toBe(program.id);
  expect(nur110.fullname).toBe('NUR110 (Autumn 2026-27)');

  for (const group of demoStudentGroups) {
    const teacher = group.name === courseGroup ? instructor : demoInstructorOf(group);
    const teacherIds = teacher ? (await moodle.getUsersByField('idnumber', [teacher])).map((u) => u.id) : [];
    const courses = group.basedOn === 'Course' ? [group.course!] : demoStudentGroups.filter((g) => g.basedOn === 'Course' && g.program === group.program).map((g) => g.course!);
    for (const key of courses) {
      const expected = [...(await moodleIdsOf(group.students)), ...teacherIds].sort((a, b) => a - b);
      expect(await groupMembers(key, group.name)).toEqual(expected);
    }
  }
  expect(await teacherRoleHolders('CS101')).toEqual([instructor]);
  expect(await teacherRoleHolders('CS102')).toEqual(['Grace Hopper']);
  expect(await teacherRoleHolders('NUR110')).toEqual(['Florence Nightingale']);
});

test('running it again changes nothing', async () => {
  await resetCounts();
  const report = await provision();
  expect(await moodleWrites()).toBe(0);
  expect(report.categoriesCreated).toEqual([]);
  expect(report.categoriesRenamed).toEqual([]);
  expect(report.courses.every((c) => c.course === 'unchanged')).toBe(true);
});

test('renames follow: the term and the course names', async () => {
  const term = await erp.getDoc('Academic Term', demoAcademicTerm.name);
  await erp.update('Academic Term', demoAcademicTerm.name, { term_name: 'Fall', modified: term.modified });
  await provision();
  const [category] = await moodle.getCategories({ key: 'idnumber', value: `term:${demoAcademicTerm.name}` });
  expect(category.name).toBe('Fall 2026-27');
  expect((await courseByKey('CS101')).fullname).toBe('CS101 (Fall 2026-27)');
  expect(await moodle.getCategories({ key: 'name', value: 'Autumn 2026-27' })).toEqual([]);
});

test('a student leaving a group leaves the Moodle group; an instructor removed in ERPNext loses the teacher role', async () => {
  const group = await erp.getDoc<{ modified: string; students: { student: string; active: number }[] }>('Student Group', courseGroup);
  const leaver = group.students[0].student;
  const [leaverId] = await moodleIdsOf([leaver]);
  expect(await groupMembers('CS101', courseGroup)).toContain(leaverId);
  await erp.update('Student Group', courseGroup, { students: group.students.map((row, i) => ({ ...row, active: i === 0 ? 0 : row.active })), instructors: [], modified: group.modified });

  const report = await provision();
  expect(report.failed).toEqual([]);
  expect(await groupMembers('CS101', courseGroup)).not.toContain(leaverId);
  // Still in the batch group: only the course group changed.
  expect(await groupMembers('CS101', batchGroup)).toContain(leaverId);
  expect(await teacherRoleHolders('CS101')).toEqual([]);
});

test("a Student Group's trigger runs as group:<name> and provisions only the courses that group covers", async () => {
  const { workflowId } = await startProvisioning(env.client, mapping, { group: courseGroup });
  expect(workflowId).toBe(`group:${courseGroup}`);
  const report: ProvisionReport = await env.client.workflow.getHandle(workflowId).result();
  expect(report.courses.map((c) => c.key)).toEqual(['CS101']);
  expect(report.failed).toEqual([]);
});

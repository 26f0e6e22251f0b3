import { mappingSchema } from '../../src/config/mapping-file';
import { NeedsOperator, StudentGroup } from '../../src/common/search-attributes';
import { completionDateField } from '../../src/erpnext/resources/course-enrollment-completions';
import { demoAcademicTerm, demoAcademicYear, demoStudentGroups } from '../../sandboxes/demo-data';
import type { ProvisionReport } from '../../workflows/provision-all';
import type { CompletionReport } from '../../workflows/sync-completions';
import { courseCompletedAt } from '../../src/mapping/roster-completions';
import { adminToken, eventually, startLifecycleStack, type LifecycleStack } from '../lifecycle/lifecycle-stack';

jest.setTimeout(60_000);

/*
 * Roster operations on the real dev server with both demo sandboxes, wired by `setup` (webhooks
 * and Custom Fields) and reached through the gateway: the admin route's dry run writes nothing; a
 * new Student Group's webhook provisions its Moodle group; an instructor whose e-mail belongs to
 * another account is parked for an operator; a Moodle completion reaches the Course Enrollment
 * once. One stack for all: bundling and two sandboxes are most of the cost.
 */

let stack: LifecycleStack;
const student = 'EDU-STU-2026-00001';

/** Moodle web-service functions that write. */
const moodleWrites = [
  'core_course_create_categories', 'core_course_update_categories', 'core_course_create_courses', 'core_course_update_courses', 'core_course_duplicate_course',
  'core_group_create_groups', 'core_group_update_groups', 'core_group_add_group_members', 'core_group_delete_group_members',
  'enrol_manual_enrol_users', 'enrol_manual_unenrol_users', 'core_role_unassign_roles', 'core_user_create_users', 'core_user_update_users',
];

async function moodleWriteCount(): Promise<number> {
  const counts = (await (await fetch(`${stack.moodleSandbox.url}/__sandbox/requests`)).json()) as Record<string, number>;
  return moodleWrites.reduce((sum, name) => sum + (counts[name] ?? 0), 0);
}

async function admin(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { authorization: `Bearer ${adminToken}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${stack.operatorUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** The run a webhook started, once it exists, to its end. */
async function resultOf<T>(workflowId: string): Promise<T> {
  await eventually(async () => stack.temporal.workflow.getHandle(workflowId).describe().then(() => true, () => false), (found) => found);
  return stack.temporal.workflow.getHandle(workflowId).result();
}

async function sandbox(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${stack.moodleSandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

async function syncNow(): Promise<CompletionReport> {
  const response = await fetch(`${stack.operatorUrl}/admin/sync/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ course: 'CS101' }),
  });
  expect(response.status).toBe(202);
  const { workflowId } = (await response.json()) as { workflowId: string };
  return stack.temporal.workflow.getHandle(workflowId).result();
}

async function completionDateOf(name: string): Promise<string | null> {
  const doc = await stack.erp.getDoc<Record<string, unknown>>('Course Enrollment', name);
  return (doc[completionDateField.fieldname] as string | undefined) ?? null;
}

beforeAll(async () => {
  const { roster } = mappingSchema.parse({ roster: { unenrolledStudents: 'enrol', teachers: { emailField: 'custom_email' } } });
  stack = await startLifecycleStack({ mapping: { roster } });
});

afterAll(async () => {
  await stack?.close();
});

test('POST /admin/provision with dryRun reports the term and writes nothing; GET shows the report', async () => {
  await fetch(`${stack.moodleSandbox.url}/__sandbox/requests`, { method: 'DELETE' });
  const started = await admin('POST', '/admin/provision', { dryRun: true });
  expect(started.status).toBe(202);
  const workflowId = String(started.json.workflowId);
  expect(workflowId).toMatch(/^provision:.*:dry-run$/);
  const status = await eventually(async () => (await admin('GET', `/admin/provision/${encodeURIComponent(workflowId)}`)).json, (json) => json.status === 'COMPLETED');
  const report = status.result as ProvisionReport;
  expect(report.dryRun).toBe(true);
  expect(report.failed).toEqual([]);
  expect(report.courses.find((c) => c.key === 'NUR110')?.course).toBe('created');
  expect(await moodleWriteCount()).toBe(0);
  expect((await stack.moodle.getCoursesByField('idnumber', 'NUR110')).courses).toEqual([]);
  expect((await admin('GET', '/admin/provision/no-such-run')).status).toBe(404);
});

test("a new Student Group's webhook provisions its Moodle group with exactly its students", async () => {
  const name = 'CS102 Lab A';
  const students = demoStudentGroups.find((g) => g.name === `CS102 ${demoAcademicYear.name}`)!.students.slice(0, 3);
  const doc = await stack.erp.insert<{ name: string; modified: string }>('Student Group', {
    student_group_name: name,
    group_based_on: 'Course',
    academic_year: demoAcademicYear.name,
    academic_term: demoAcademicTerm.name,
    program: 'BSc Computer Science',
    course: 'CS102',
    students: students.map((s) => ({ student: s, active: 1 })),
  });
  const workflowId = `group:${name}@${doc.modified}`;
  const report = await resultOf<ProvisionReport>(workflowId);
  expect(report.failed).toEqual([]);
  expect(report.courses.map((c) => c.key)).toEqual(['CS102']);
  const description = await stack.temporal.workflow.getHandle(workflowId).describe();
  expect(description.typedSearchAttributes.get(StudentGroup)).toEqual([name]);

  const [course] = (await stack.moodle.getCoursesByField('idnumber', 'CS102')).courses;
  const group = (await stack.moodle.getCourseGroups(course.id)).find((g) => g.idnumber === name)!;
  const [members] = await stack.moodle.getGroupMembers([group.id]);
  const expected = (await stack.moodle.getUsersByField('idnumber', students)).map((u) => u.id);
  expect(expected.length).toBeGreaterThan(0);
  expect([...members.userids].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
});

test("an instructor whose e-mail belongs to another Moodle account is parked for an operator, not given a second account", async () => {
  const email = 'alan.turing@staff.cbu.example.edu';
  await stack.moodle.createUsers([{ username: 'aturing', firstname: 'Alan', lastname: 'Turing', email, idnumber: 'HR-0042', auth: 'manual', createpassword: true }]);
  const instructor = await stack.erp.insert<{ name: string }>('Instructor', { instructor_name: 'Alan Turing', custom_email: email });
  const group = await stack.erp.getDoc<{ modified: string; instructors: { instructor: string }[] }>('Student Group', `CS201 ${demoAcademicYear.name}`);
  const saved = await stack.erp.update<{ modified: string }>('Student Group', `CS201 ${demoAcademicYear.name}`, { instructors: [...group.instructors.map((row) => ({ instructor: row.instructor })), { instructor: instructor.name }], modified: group.modified });

  const report = await resultOf<ProvisionReport>(`group:CS201 ${demoAcademicYear.name}@${saved.modified}`);
  const parkedId = `teacher:${instructor.name}/account`;
  expect(report.teacherConflicts).toEqual([expect.objectContaining({ instructor: instructor.name, workflowId: parkedId })]);
  const parked = stack.temporal.workflow.getHandle(parkedId);
  await eventually(async () => (await parked.describe()).typedSearchAttributes.get(NeedsOperator), (value) => value === true);
  const listed = await admin('GET', '/admin/conflicts');
  const conflict = (listed.json.conflicts as { workflowId: string; conflict: { studentId: string; candidates: { idnumber: string }[] } }[]).find((c) => c.workflowId === parkedId);
  expect(conflict?.conflict.candidates.map((c) => c.idnumber)).toEqual(['HR-0042']);
  // Never a second account, and not the other person's account either.
  expect((await admin('POST', `/admin/conflicts/${encodeURIComponent(parkedId)}`, { action: 'create' })).status).toBe(409);
  expect(await stack.moodle.getUsersByField('idnumber', [instructor.name])).toEqual([]);
  expect((await admin('POST', `/admin/conflicts/${encodeURIComponent(parkedId)}`, { action: 'skip' })).status).toBe(200);
  expect(await parked.result()).toMatchObject({ instructor: instructor.name, decision: 'skip' });
});

test('a Moodle course completion reaches the Course Enrollment once; the second run writes nothing', async () => {
  // setup provisioned the field.
  expect(await stack.erp.getList('Custom Field', { filters: [['dt', '=', 'Course Enrollment'], ['fieldname', '=', completionDateField.fieldname]] })).toHaveLength(1);
  const [course] = (await stack.moodle.getCoursesByField('idnumber', 'CS101')).courses;
  const [user] = await stack.moodle.getUsersByField('idnumber', [student]);
  // A graded project, the course grade criterion, and the completion tasks run twice (criterion, then course: captures 114/115).
  const { cmid } = (await sandbox('/__sandbox/modules', { courseid: course.id, modname: 'assign', name: 'Final project' })) as { cmid: number };
  await sandbox('/__sandbox/grades', { cmid, grades: [{ userid: user.id, grade: 90 }] });
  await sandbox('/__sandbox/completion/criteria', { courseid: course.id, gradepass: 50 });
  await sandbox('/__sandbox/cron', {});
  await sandbox('/__sandbox/cron', {});
  const status = await stack.moodle.getCourseCompletionStatus(course.id, user.id);
  expect(status.completionstatus.completed).toBe(true);
  const completedAt = Math.max(...status.completionstatus.completions.map((c) => c.timecompleted ?? 0));
  const expectedDate = new Date(completedAt * 1000).toISOString().slice(0, 10);

  const [enrollment] = await stack.erp.getList<{ name: string }>('Course Enrollment', { filters: [['student', '=', student], ['course', '=', 'CS101']] });
  expect(await completionDateOf(enrollment.name)).toBeNull();

  // Who Moodle says completed (the demo's seeded grades may pass the criterion too), asked user by user.
  const participants = (await stack.moodle.getCourseParticipants(course.id)).filter((p) => p.idnumber && p.roles.some((r) => r.roleid === 5));
  let completedInMoodle = 0;
  for (const p of participants) if (courseCompletedAt((await stack.moodle.getCourseCompletionStatus(course.id, p.id)).completionstatus) !== null) completedInMoodle++;
  expect(completedInMoodle).toBeGreaterThanOrEqual(1);

  const first = await syncNow();
  expect(first.totals.failedCourses).toBe(0);
  const cs101 = first.courses.find((c) => c.course === 'CS101')!;
  expect(cs101).toMatchObject({ status: 'synced', completed: completedInMoodle, created: completedInMoodle, updated: 0 });
  expect(cs101.students).toBe(participants.length);
  expect(await completionDateOf(enrollment.name)).toBe(expectedDate);
  // Nobody who has not completed got a date.
  const dated = await stack.erp.getList('Course Enrollment', { filters: [['course', '=', 'CS101'], [completionDateField.fieldname, 'is', 'set']] });
  expect(dated).toHaveLength(completedInMoodle);

  await fetch(`${stack.erpnextSandbox.url}/__sandbox/requests`, { method: 'DELETE' });
  const second = await syncNow();
  expect(second.courses.find((c) => c.course === 'CS101')).toMatchObject({ status: 'synced', completed: completedInMoodle, created: 0, updated: 0, unchanged: completedInMoodle });
  const counts = (await (await fetch(`${stack.erpnextSandbox.url}/__sandbox/requests`)).json()) as Record<string, number>;
  expect(counts['PUT Course Enrollment'] ?? 0).toBe(0);
  // The watermark is the newest completion written through.
  expect(second.watermarks.CS101).toBeGreaterThanOrEqual(completedAt);
  await eventually(async () => completionDateOf(enrollment.name), (date) => date === expectedDate);
});

test("a student's withdrawal never touches their teaching: where they also teach only the student role goes", async () => {
  // A student who also teaches CS101 (a teaching assistant), withdrawn from the programme.
  const [user] = await stack.moodle.getUsersByField('idnumber', ['EDU-STU-2026-00004']);
  const [cs101] = (await stack.moodle.getCoursesByField('idnumber', 'CS101')).courses;
  const [cs102] = (await stack.moodle.getCoursesByField('idnumber', 'CS102')).courses;
  const teacherRoleId = 3;
  await stack.moodle.enrolUsers([{ roleid: teacherRoleId, userid: user.id, courseid: cs101.id }]);
  const before = new Set((await stack.moodle.getUsersCourses(user.id)).map((c) => c.id));
  expect(before.has(cs101.id) && before.has(cs102.id)).toBe(true);

  const [enrollment] = await stack.erp.getList<{ name: string }>('Program Enrollment', { filters: [['student', '=', 'EDU-STU-2026-00004'], ['docstatus', '=', 1]] });
  const cancelled = await stack.erp.cancel<{ modified: string }>('Program Enrollment', enrollment.name);
  const result = await resultOf<{ withdrawal: { suspended: number[]; keptForTeaching?: number[] } }>(`withdraw:${enrollment.name}@${cancelled.modified}`);
  expect(result.withdrawal.keptForTeaching).toEqual([cs101.id]);
  expect(result.withdrawal.suspended).toContain(cs102.id);

  const active = new Set((await stack.moodle.getUsersCourses(user.id)).map((c) => c.id));
  expect(active.has(cs101.id)).toBe(true);
  expect(active.has(cs102.id)).toBe(false);
  const roles = (await stack.moodle.getCourseParticipants(cs101.id)).find((p) => p.id === user.id)!.roles.map((r) => r.roleid);
  expect(roles).toEqual([teacherRoleId]);
});

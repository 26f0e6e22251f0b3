import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { addProvisioningRoot, addTemplateCourse } from '../../sandboxes/moodle/seeds/roster';

/**
 * What roster provisioning relies on beyond the captures, against the demo seed with its default
 * web-service role (the documented integration role: no grants needed): unique idnumbers, idempotent
 * membership and role changes, duplication from a template, completion after the criteria.
 */
type Params = Record<string, string | number>;

describe('Moodle sandbox roster behaviour', () => {
  let sandbox: MoodleSandbox;
  let rootId: number;

  // Untyped on purpose: the assertions check each response's shape.
  const ws = async (wsfunction: string, params: Params = {}): Promise<any> => {
    const body = new URLSearchParams({ wstoken: 'dev-moodle-token', moodlewsrestformat: 'json', wsfunction, ...Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)])) });
    const response = await fetch(`${sandbox.url}/webservice/rest/server.php`, { method: 'POST', body });
    return response.json();
  };
  const ok = async (wsfunction: string, params: Params = {}) => {
    const result = await ws(wsfunction, params);
    if (result && typeof result === 'object' && 'exception' in result) throw new Error(`${wsfunction}: ${JSON.stringify(result)}`);
    return result;
  };
  const newCourse = async (shortname: string, idnumber: string) =>
    (await ok('core_course_create_courses', { 'courses[0][fullname]': shortname, 'courses[0][shortname]': shortname, 'courses[0][categoryid]': rootId, 'courses[0][idnumber]': idnumber }))[0].id as number;
  const studentId = (index: number) => sandbox.state.users.filter((user) => user.username !== 'guest' && user.username !== 'admin' && user.username !== 'campusbridge')[index].id;
  const enrol = (userid: number, courseid: number, roleid = 5) => ok('enrol_manual_enrol_users', { 'enrolments[0][roleid]': roleid, 'enrolments[0][userid]': userid, 'enrolments[0][courseid]': courseid });

  beforeAll(async () => {
    sandbox = await startMoodleSandbox({ seed: 'demo' });
    rootId = addProvisioningRoot(sandbox.state).id;
  });
  afterAll(async () => {
    await sandbox.close();
  });

  test('category idnumbers are unique site-wide, on create and on update; a rename keeps the idnumber', async () => {
    const [term] = await ok('core_course_create_categories', { 'categories[0][name]': 'Term 2026/27', 'categories[0][parent]': rootId, 'categories[0][idnumber]': 'CB-TERM-2026' });
    expect(await ws('core_course_create_categories', { 'categories[0][name]': 'Other', 'categories[0][idnumber]': 'CB-TERM-2026' })).toMatchObject({ errorcode: 'categoryidnumbertaken' });
    const [other] = await ok('core_course_create_categories', { 'categories[0][name]': 'Other', 'categories[0][parent]': rootId });
    expect(await ws('core_course_update_categories', { 'categories[0][id]': other.id, 'categories[0][idnumber]': 'CB-TERM-2026' })).toMatchObject({ errorcode: 'categoryidnumbertaken' });
    await ok('core_course_update_categories', { 'categories[0][id]': term.id, 'categories[0][name]': 'Term 2026-27' });
    const found = await ok('core_course_get_categories', { 'criteria[0][key]': 'idnumber', 'criteria[0][value]': 'CB-TERM-2026', addsubcategories: 0 });
    expect(found.map((category: { id: number; name: string }) => [category.id, category.name])).toEqual([[term.id, 'Term 2026-27']]);
  });

  test('course idnumbers are unique: a second create fails, an update to a taken one is a warning', async () => {
    const first = await newCourse('CB-BIO101', 'BIO101-2026');
    expect(await ws('core_course_create_courses', { 'courses[0][fullname]': 'Again', 'courses[0][shortname]': 'CB-BIO101-B', 'courses[0][categoryid]': rootId, 'courses[0][idnumber]': 'BIO101-2026' })).toMatchObject({ errorcode: 'courseidnumbertaken' });
    const second = await newCourse('CB-BIO102', 'BIO102-2026');
    const update = await ok('core_course_update_courses', { 'courses[0][id]': second, 'courses[0][idnumber]': 'BIO101-2026' });
    expect(update.warnings).toEqual([expect.objectContaining({ itemid: second, warningcode: 'courseidnumbertaken' })]);
    const byIdnumber = await ok('core_course_get_courses_by_field', { field: 'idnumber', value: 'BIO101-2026' });
    expect(byIdnumber.courses.map((course: { id: number }) => course.id)).toEqual([first]);
  });

  test('group idnumbers are unique per course; another course may reuse one; membership changes are idempotent', async () => {
    const [courseA, courseB] = [await newCourse('CB-GRP-A', 'GRP-A'), await newCourse('CB-GRP-B', 'GRP-B')];
    const group = (courseid: number, name: string) => ({ 'groups[0][courseid]': courseid, 'groups[0][name]': name, 'groups[0][description]': '', 'groups[0][idnumber]': 'SG-2026-A' });
    const [created] = await ok('core_group_create_groups', group(courseA, 'Batch A'));
    expect(await ws('core_group_create_groups', group(courseA, 'Batch A again'))).toMatchObject({ errorcode: 'idnumbertaken' });
    await ok('core_group_create_groups', group(courseB, 'Batch A'));

    const student = studentId(0);
    await enrol(student, courseA);
    const member = { 'members[0][groupid]': created.id, 'members[0][userid]': student };
    expect(await ok('core_group_add_group_members', member)).toBeNull();
    expect(await ok('core_group_add_group_members', member)).toBeNull();
    expect(await ok('core_group_get_group_members', { 'groupids[0]': created.id })).toEqual([{ groupid: created.id, userids: [student] }]);
    expect(await ok('core_group_delete_group_members', member)).toBeNull();
    expect(await ok('core_group_delete_group_members', member)).toBeNull();
    expect(await ok('core_group_get_group_members', { 'groupids[0]': created.id })).toEqual([{ groupid: created.id, userids: [] }]);
  });

  test('editingteacher (3) and teacher (4) are assigned and unassigned in a course, each change idempotent', async () => {
    const courseid = await newCourse('CB-ROLES', 'ROLES-2026');
    const teacher = studentId(1);
    await enrol(teacher, courseid, 4);
    const roles = async () => {
      const users = await ok('core_enrol_get_enrolled_users', { courseid, 'options[0][name]': 'userfields', 'options[0][value]': 'roles' });
      return users.find((user: { id: number }) => user.id === teacher).roles.map((role: { roleid: number }) => role.roleid);
    };
    const assignment = (roleid: number) => ({ 'assignments[0][roleid]': roleid, 'assignments[0][userid]': teacher, 'assignments[0][contextlevel]': 'course', 'assignments[0][instanceid]': courseid });
    expect(await ok('core_role_assign_roles', assignment(3))).toBeNull();
    expect(await ok('core_role_assign_roles', assignment(3))).toBeNull();
    expect(await roles()).toEqual([3, 4]);
    expect(await ok('core_role_unassign_roles', { 'unassignments[0][roleid]': 4, 'unassignments[0][userid]': teacher, 'unassignments[0][contextlevel]': 'course', 'unassignments[0][instanceid]': courseid })).toBeNull();
    expect(await ok('core_role_unassign_roles', { 'unassignments[0][roleid]': 4, 'unassignments[0][userid]': teacher, 'unassignments[0][contextlevel]': 'course', 'unassignments[0][instanceid]': courseid })).toBeNull();
    expect(await roles()).toEqual([3]);
  });

  test('a shell duplicated from the template keeps its activities and completion rule, not its idnumber', async () => {
    const template = addTemplateCourse(sandbox.state, { categoryid: rootId });
    const copy = await ok('core_course_duplicate_course', { courseid: template.id, fullname: 'Biology 201', shortname: 'CB-BIO201', categoryid: rootId, visible: 1 });
    const [course] = (await ok('core_course_get_courses_by_field', { field: 'id', value: copy.id })).courses;
    expect(course).toMatchObject({ idnumber: '', visible: 1, enablecompletion: 1, categoryid: rootId });
    const names = async (courseid: number) => (await ok('core_course_get_contents', { courseid })).flatMap((section: { modules: { name: string }[] }) => section.modules.map((module) => module.name)).sort();
    expect(await names(copy.id)).toEqual(await names(template.id));
    expect(await names(copy.id)).toEqual(['Announcements', 'Course handbook', 'Welcome task']);
    await ok('core_course_update_courses', { 'courses[0][id]': copy.id, 'courses[0][idnumber]': 'BIO201-2026' });
    expect((await ok('core_course_get_courses_by_field', { field: 'idnumber', value: 'BIO201-2026' })).courses).toHaveLength(1);
  });

  test('course completion turns complete in the request that completes the last criterion, and stays', async () => {
    const template = addTemplateCourse(sandbox.state, { categoryid: rootId, shortname: 'TEMPLATE-102' });
    const { id: courseid } = await ok('core_course_duplicate_course', { courseid: template.id, fullname: 'Chemistry 201', shortname: 'CB-CHEM201', categoryid: rootId });
    const student = studentId(2);
    await enrol(student, courseid);
    const status = async () => (await ok('core_completion_get_course_completion_status', { courseid, userid: student })).completionstatus;
    expect(await status()).toMatchObject({ completed: false });
    const cmids = sandbox.state.modules.filter((module) => module.courseid === courseid && module.modname !== 'forum').map((module) => module.id);
    const complete = (cmid: number, newstate: number) => ok('core_completion_override_activity_completion_status', { userid: student, cmid, newstate });
    await complete(cmids[0], 1);
    expect(await status()).toMatchObject({ completed: false });
    await complete(cmids[1], 1);
    expect(await status()).toMatchObject({ completed: true });
    await complete(cmids[1], 0);
    expect(await status()).toMatchObject({ completed: true });
  });
});

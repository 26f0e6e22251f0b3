import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { firstSetRoleCapabilities, integrationRoleCapabilities } from '../../sandboxes/moodle/capabilities';

/**
 * The web-service user's role decides what each function does (issue 9, defect 3), and the
 * Moodle differences issue 9 lists. Calls go over the real REST protocol.
 */
describe('Moodle sandbox: web-service role capabilities and issue 9 differences', () => {
  let sandbox: MoodleSandbox;

  beforeEach(async () => {
    sandbox = await startMoodleSandbox({ seed: 'demo' });
  });
  afterEach(async () => {
    await sandbox.close();
  });

  const call = async (wsfunction: string, params: Record<string, string | number>) => {
    const body = new URLSearchParams({ wstoken: 'dev-moodle-token', wsfunction, moodlewsrestformat: 'json', ...Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)])) });
    const response = await fetch(`${sandbox.url}/webservice/rest/server.php`, { method: 'POST', body });
    return (await response.json()) as any;
  };
  const setRole = (capabilities: readonly string[]) =>
    fetch(`${sandbox.url}/__sandbox/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ wsRoleCapabilities: capabilities }) });
  const attendance = () => sandbox.state.modules.find((module) => module.modname === 'attendance')!;

  test('the default role is the documented integration role, readable through the settings route', async () => {
    const settings = (await (await fetch(`${sandbox.url}/__sandbox/settings`)).json()) as { wsRoleCapabilities: string[] };
    expect(settings.wsRoleCapabilities).toEqual([...integrationRoleCapabilities]);
    expect(settings.wsRoleCapabilities).toContain('mod/attendance:takeattendances');
  });

  test('attendance reads answer a generic invalidparameter with only mod/attendance:view, as the captured role has', async () => {
    const instance = attendance().instance;
    const allowed = await call('mod_attendance_get_sessions', { attendanceid: instance });
    expect(Array.isArray(allowed)).toBe(true);
    expect(allowed.length).toBeGreaterThan(0);
    await setRole(firstSetRoleCapabilities);
    expect(firstSetRoleCapabilities).toContain('mod/attendance:view');
    const refused = { exception: 'invalid_parameter_exception', errorcode: 'invalidparameter', message: 'Invalid parameter value detected' };
    expect(await call('mod_attendance_get_sessions', { attendanceid: instance })).toEqual(refused);
    expect(await call('mod_attendance_get_session', { sessionid: allowed[0].id })).toEqual(refused);
    for (const capability of ['mod/attendance:manageattendances', 'mod/attendance:takeattendances', 'mod/attendance:changeattendances']) {
      await setRole([...firstSetRoleCapabilities, capability]);
      expect(Array.isArray(await call('mod_attendance_get_sessions', { attendanceid: instance }))).toBe(true);
    }
  });

  test('an unknown attendance instance is invalidrecordunknown; sessions come back by id', async () => {
    expect(await call('mod_attendance_get_sessions', { attendanceid: 99999 })).toEqual({
      exception: 'dml_missing_record_exception',
      errorcode: 'invalidrecordunknown',
      message: "Can't find data record in database.",
    });
    const sessions = (await call('mod_attendance_get_sessions', { attendanceid: attendance().instance })) as { id: number }[];
    expect(sessions.map((session) => session.id)).toEqual([...sessions.map((session) => session.id)].sort((a, b) => a - b));
  });

  test('attendance users and enrolledusercount include suspended enrolments', async () => {
    const module = attendance();
    const [session] = (await call('mod_attendance_get_sessions', { attendanceid: module.instance })) as { users: { id: number }[] }[];
    const student = session.users[0].id;
    const before = (await call('core_enrol_get_users_courses', { userid: student })) as { id: number; enrolledusercount: number }[];
    const countBefore = before.find((course) => course.id === module.courseid)!.enrolledusercount;
    const other = session.users[1].id;
    await call('enrol_manual_enrol_users', { 'enrolments[0][roleid]': 5, 'enrolments[0][userid]': other, 'enrolments[0][courseid]': module.courseid, 'enrolments[0][suspend]': 1 });
    const [after] = (await call('mod_attendance_get_sessions', { attendanceid: module.instance })) as { users: { id: number }[] }[];
    expect(after.users.map((user) => user.id)).toContain(other);
    const courses = (await call('core_enrol_get_users_courses', { userid: student })) as { id: number; enrolledusercount: number }[];
    expect(courses.find((course) => course.id === module.courseid)!.enrolledusercount).toBe(countBefore);
  });

  test('without mod/assign:view the assignment grade items vanish silently', async () => {
    const assign = sandbox.state.gradeItems.find((item) => item.itemmodule === 'assign')!;
    const items = async () => ((await call('gradereport_user_get_grade_items', { courseid: assign.courseid })).usergrades[0].gradeitems as { itemmodule: string | null }[]).map((item) => item.itemmodule);
    expect(await items()).toContain('assign');
    await setRole(integrationRoleCapabilities.filter((capability) => capability !== 'mod/assign:view'));
    expect(await items()).not.toContain('assign');
  });

  test('without moodle/site:viewfullnames user records lose firstname and lastname', async () => {
    const [withNames] = await call('core_user_get_users_by_field', { field: 'id', 'values[0]': 3 });
    expect(withNames).toHaveProperty('firstname');
    await setRole(integrationRoleCapabilities.filter((capability) => capability !== 'moodle/site:viewfullnames'));
    const [without] = await call('core_user_get_users_by_field', { field: 'id', 'values[0]': 3 });
    expect(without).not.toHaveProperty('firstname');
    expect(without).not.toHaveProperty('lastname');
    expect(without.fullname).toBe(withNames.fullname);
  });

  test('a new course has the news forum in its contents', async () => {
    const [created] = await call('core_course_create_courses', { 'courses[0][fullname]': 'News check', 'courses[0][shortname]': 'NEWS1', 'courses[0][categoryid]': 1 });
    const sections = (await call('core_course_get_contents', { courseid: created.id })) as { section: number; modules: { modname: string; name: string }[] }[];
    expect(sections[0].modules).toEqual([expect.objectContaining({ modname: 'forum', name: 'Announcements' })]);
  });
});

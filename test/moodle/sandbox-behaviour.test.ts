import { createMoodleClient, type MoodleClient } from '../../src/moodle/client';
import { enrolledUsers } from './support/enrolled-users';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';

/** Moodle behaviours the product must survive that the real captures do not show directly (reference moodle.md §1.4, §3.6). */
describe('Moodle sandbox behaviours beyond the captures', () => {
  let sandbox: MoodleSandbox;
  let moodle: MoodleClient;

  beforeEach(async () => {
    sandbox = await startMoodleSandbox({ seed: 'demo' });
    moodle = createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token' });
  });
  afterEach(async () => {
    await sandbox.close();
  });

  const post = (path: string, body: object) => fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('a rolled-back create batch has already mailed its first user and consumed an id', async () => {
    const before = Math.max(...sandbox.state.users.map((user) => user.id));
    await expect(
      moodle.createUsers([
        { username: 'first.new', firstname: 'First', lastname: 'New', email: 'first.new@students.cbu.example', createpassword: true },
        { username: 'edu-stu-2026-00001', firstname: 'Taken', lastname: 'Name', email: 'taken@students.cbu.example', createpassword: true },
      ]),
    ).rejects.toMatchObject({ code: 'invalidparameter' });
    expect(await moodle.getUsersByField('username', ['first.new'])).toEqual([]);
    const mail = (await (await fetch(`${sandbox.url}/__sandbox/mail`)).json()) as { to: string }[];
    expect(mail.map((sent) => sent.to)).toContain('first.new@students.cbu.example');
    const [next] = await moodle.createUsers([{ username: 'second.new', firstname: 'Second', lastname: 'New', email: 'second.new@students.cbu.example', createpassword: true }]);
    expect(next.id).toBe(before + 2);
  });

  test('a blind re-enrol reactivates a suspended enrolment and clears its end date', async () => {
    const [course] = (await moodle.getCoursesByField('idnumber', 'CS102')).courses;
    const [student] = await enrolledUsers({ url: sandbox.url, token: 'dev-moodle-token' }, course.id, { onlyactive: true, userfields: 'id' });
    const timeend = Math.floor(Date.now() / 1000) + 86_400;
    await moodle.enrolUsers([{ roleid: 5, userid: student.id, courseid: course.id, suspend: true, timeend }]);
    expect((await enrolledUsers({ url: sandbox.url, token: 'dev-moodle-token' }, course.id, { onlysuspended: true, userfields: 'id' })).map((user) => user.id)).toEqual([student.id]);
    await moodle.enrolUsers([{ roleid: 5, userid: student.id, courseid: course.id }]);
    expect(await enrolledUsers({ url: sandbox.url, token: 'dev-moodle-token' }, course.id, { onlysuspended: true, userfields: 'id' })).toEqual([]);
    const enrolment = sandbox.state.userEnrolments.find((ue) => ue.userid === student.id && sandbox.state.enrolInstances.some((instance) => instance.id === ue.enrolid && instance.courseid === course.id));
    expect(enrolment).toMatchObject({ status: 0, timeend: 0 });
  });

  test('unenrolling a last enrolment deletes the grades; enrolling again does not bring them back', async () => {
    const [course] = (await moodle.getCoursesByField('idnumber', 'BUS101')).courses;
    const { usergrades } = await moodle.getGradeItems(course.id);
    const graded = usergrades[0];
    expect(graded.gradeitems.find((item) => item.itemtype === 'course')?.graderaw).toEqual(expect.any(Number));
    await moodle.unenrolUsers([{ userid: graded.userid, courseid: course.id }]);
    await moodle.enrolUsers([{ roleid: 5, userid: graded.userid, courseid: course.id }]);
    const after = await moodle.getGradeItems(course.id, graded.userid);
    expect(after.usergrades[0].gradeitems.find((item) => item.itemtype === 'course')?.graderaw).toBeNull();
  });

  test('an undeclared argument fails validation like Moodle, naming the key only in debuginfo', async () => {
    await fetch(`${sandbox.url}/__sandbox/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ debug: true }) });
    const body = new URLSearchParams({ wstoken: 'dev-moodle-token', wsfunction: 'core_enrol_get_users_courses', moodlewsrestformat: 'json', userid: '4', colour: 'blue' });
    const response = await fetch(`${sandbox.url}/webservice/rest/server.php`, { method: 'POST', body });
    expect(await response.json()).toEqual({
      exception: 'invalid_parameter_exception',
      errorcode: 'invalidparameter',
      message: 'Invalid parameter value detected',
      debuginfo: 'Unexpected keys (colour) detected in parameter array.',
    });
  });

  test('grades set through core_grades_update_grades show capped in the report with their date', async () => {
    const [course] = (await moodle.getCoursesByField('idnumber', 'NUR102')).courses;
    const created = (await (await post('/__sandbox/modules', { courseid: course.id, modname: 'assign', name: 'Case study', grademax: 20 })).json()) as { cmid: number };
    const [student] = await enrolledUsers({ url: sandbox.url, token: 'dev-moodle-token' }, course.id, { onlyactive: true, userfields: 'id' });
    const body = new URLSearchParams({ wstoken: 'dev-moodle-token', wsfunction: 'core_grades_update_grades', moodlewsrestformat: 'json', source: 'test', courseid: String(course.id), component: 'mod_assign', activityid: String(created.cmid), itemnumber: '0', 'grades[0][studentid]': String(student.id), 'grades[0][grade]': '25' });
    expect(await (await fetch(`${sandbox.url}/webservice/rest/server.php`, { method: 'POST', body })).json()).toBe(0);
    const report = await moodle.getGradeItems(course.id, student.id);
    const item = report.usergrades[0].gradeitems.find((candidate) => candidate.cmid === created.cmid);
    expect(item).toMatchObject({ graderaw: 20, grademax: 20, gradeformatted: '20.00', gradedategraded: expect.any(Number) });
  });
});

import { z } from 'zod';
import { createMoodleClient, type MoodleClient } from '../../src/moodle/client';
import { MoodleError } from '../../src/moodle/errors';
import { createMoodleTransport, type MoodleCall } from '../../src/moodle/rest-transport';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { freePort } from '../support/free-port';
import { enrolledUsers } from './support/enrolled-users';

/**
 * Every client function against the Moodle sandbox over real HTTP, on the demo institution.
 * Functions the product does not call are asked through the bare REST transport (`rest`), with
 * the response shape written here.
 */

const token = '3f1c9a7be0d24c56a8e9b7d6c5f4e3a2';

async function expectMoodleError(promise: Promise<unknown>): Promise<MoodleError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(MoodleError);
  const moodleError = error as MoodleError;
  // The token must never leak through an error: message, stack or serialised fields.
  expect(`${moodleError.message} ${moodleError.stack ?? ''} ${JSON.stringify(moodleError)}`).not.toContain(token);
  return moodleError;
}

async function sandboxJson(sandbox: MoodleSandbox, path: string, method = 'GET', body?: object): Promise<unknown> {
  const response = await fetch(`${sandbox.url}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  return response.status === 204 ? null : response.json();
}

describe('Moodle client against the sandbox (demo seed)', () => {
  let sandbox: MoodleSandbox;
  let moodle: MoodleClient;
  let rest: MoodleCall;
  const site = { url: '', token };

  beforeAll(async () => {
    sandbox = await startMoodleSandbox({ seed: 'demo', token });
    moodle = createMoodleClient({ url: sandbox.url, token, timeoutMs: 5_000 });
    rest = createMoodleTransport({ url: sandbox.url, token, timeoutMs: 5_000 });
    site.url = sandbox.url;
  });
  afterAll(async () => {
    await sandbox.close();
  });

  test('core_webservice_get_site_info lists the service functions', async () => {
    const siteInfo = z.object({ username: z.string(), release: z.string(), functions: z.array(z.object({ name: z.string() })) });
    const info = await rest('core_webservice_get_site_info', {}, siteInfo);
    expect(info.username).toBe('campusbridge');
    expect(info.release).toBe('4.1.10 (Build: 20240422)');
    expect(info.functions.map((fn) => fn.name)).toEqual(expect.arrayContaining(['core_user_create_users', 'enrol_manual_enrol_users', 'mod_attendance_get_sessions']));
  });

  test('getUsersByField finds linked students by idnumber and the hand-made account only by email', async () => {
    const linked = await moodle.getUsersByField('idnumber', ['EDU-STU-2026-00001', 'EDU-STU-2026-00002', 'EDU-STU-2026-09999']);
    expect(linked.map((user) => user.idnumber)).toEqual(['EDU-STU-2026-00001', 'EDU-STU-2026-00002']);
    const unlinked = await moodle.getUsersByField('idnumber', ['EDU-STU-2026-00011']);
    expect(unlinked).toEqual([]);
    const byEmail = await moodle.getUsersByField('email', ['freya.roberts11@students.cbu.example']);
    expect(byEmail).toHaveLength(1);
    expect(byEmail[0].idnumber).toBeUndefined();
    const conflicting = await moodle.getUsersByField('email', ['oscar.walker12@students.cbu.example']);
    expect(conflicting[0].idnumber).toBe('EDU-STU-2025-00417');
  });

  test('a list split over several requests reports progress after each answered request', async () => {
    // 4 fixed fields (token, function, format, field) + 2 ids per request.
    const split = createMoodleClient({ url: sandbox.url, token, maxFieldsPerRequest: 6 });
    const linked = await moodle.getUsersByField('idnumber', ['EDU-STU-2026-00001', 'EDU-STU-2026-00002', 'EDU-STU-2026-00003']);
    let answered = 0;
    const users = await split.getUsersByField('id', [...linked.map((user) => user.id), 999_999, 999_998], { onProgress: () => answered++ });
    expect(users.map((user) => user.id)).toEqual(linked.map((user) => user.id));
    expect(answered).toBe(3);
  });

  test('getUsers matches email case-insensitively and reports unsupported keys as warnings', async () => {
    const found = await moodle.getUsers([{ key: 'email', value: 'AMELIA.SMITH1@students.cbu.example' }]);
    expect(found.users.map((user) => user.username)).toEqual(['edu-stu-2026-00001']);
    const dropped = await moodle.getUsers([{ key: 'department', value: 'x' }, { key: 'idnumber', value: 'EDU-STU-2026-00003' }]);
    expect(dropped.warnings[0].warningcode).toBe('invalidfieldparameter');
    expect(dropped.users).toHaveLength(1);
  });

  test('createUsers creates a batch, Moodle mails generated credentials, and a bad entry rejects the whole batch', async () => {
    const created = await moodle.createUsers([
      { username: 'edu-stu-2026-00013', firstname: 'Lily', lastname: 'Wright', email: 'lily.wright13@students.cbu.example', idnumber: 'EDU-STU-2026-00013', createpassword: true, customfields: [] },
      { username: 'edu-stu-2026-00014', firstname: 'Harry', lastname: 'Robinson', email: 'harry.robinson14@students.cbu.example', idnumber: 'EDU-STU-2026-00014', createpassword: true, city: 'Leeds', country: 'GB' },
    ]);
    expect(created.map((user) => user.username)).toEqual(['edu-stu-2026-00013', 'edu-stu-2026-00014']);
    const mail = (await sandboxJson(sandbox, '/__sandbox/mail')) as { to: string; kind: string }[];
    expect(mail.map((sent) => sent.to)).toEqual(expect.arrayContaining(['lily.wright13@students.cbu.example', 'harry.robinson14@students.cbu.example']));

    const error = await expectMoodleError(
      moodle.createUsers([
        { username: 'edu-stu-2026-00015', firstname: 'Sophia', lastname: 'Thompson', email: 'sophia.thompson15@students.cbu.example', createpassword: true },
        { username: 'edu-stu-2026-00013', firstname: 'Dup', lastname: 'Licate', email: 'dup@students.cbu.example', createpassword: true },
      ]),
    );
    expect(error).toMatchObject({ kind: 'permanent', code: 'invalidparameter', exception: 'invalid_parameter_exception', status: 200 });
    expect(await moodle.getUsersByField('username', ['edu-stu-2026-00015'])).toEqual([]);
  });

  test('createUsers turns a password-policy failure (HTML errorcode) into a readable permanent error', async () => {
    const error = await expectMoodleError(moodle.createUsers([{ username: 'weak', firstname: 'W', lastname: 'P', email: 'weak@students.cbu.example', password: 'abc' }]));
    expect(error.kind).toBe('permanent');
    expect(error.code).toBe('passwordpolicy');
    expect(error.message).toContain('Passwords must be at least 8 characters long.');
    expect(error.message).not.toContain('<div>');
  });

  test('custom profile fields: defined ones are stored and returned, undefined ones dropped like Moodle does', async () => {
    const [created] = await moodle.createUsers([
      { username: 'custom.fields', firstname: 'Custom', lastname: 'Fields', email: 'custom.fields@students.cbu.example', createpassword: true, customfields: [{ type: 'programme', value: 'BA Business' }, { type: 'nosuchfield', value: 'x' }] },
    ]);
    const [user] = await moodle.getUsersByField('id', [created.id]);
    expect(user.customfields).toEqual([{ type: 'text', value: 'BA Business', name: 'Programme', shortname: 'programme' }]);
    const [linked] = await moodle.getUsersByField('idnumber', ['EDU-STU-2026-00001']);
    expect(linked.customfields?.[0]).toMatchObject({ shortname: 'programme', value: 'BSc Computer Science' });
  });

  test('updateUsers applies valid entries and returns warnings for the others', async () => {
    const [user] = await moodle.getUsersByField('idnumber', ['EDU-STU-2026-00002']);
    const result = await moodle.updateUsers([
      { id: user.id, city: 'York', phone1: '+44 7700 900107' },
      { id: 999999, city: 'Nowhere' },
    ]);
    expect(result.warnings).toEqual([{ item: 'user', itemid: 999999, warningcode: 'invaliduserid', message: 'Invalid user ID' }]);
    const [updated] = await moodle.getUsersByField('id', [user.id]);
    expect(updated.city).toBe('York');
  });

  test('getCoursesByField maps ERPNext course names to Moodle courses; the placement course has none', async () => {
    const { courses } = await moodle.getCoursesByField('idnumber', 'CS101');
    expect(courses).toHaveLength(1);
    expect(courses[0]).toMatchObject({ shortname: 'CS101', idnumber: 'CS101', enrollmentmethods: ['manual'] });
    expect((await moodle.getCoursesByField('idnumber', 'NUR110')).courses).toEqual([]);
    const elective = await moodle.getCoursesByField('idnumber', 'PHO150');
    expect(elective.courses[0].enrollmentmethods).toEqual(['manual', 'fee']);
    const all = await moodle.getCoursesByField();
    expect(all.courses.map((course) => course.id)).toContain(1);
  });

  test('enrolUsers, suspend, core_enrol_get_enrolled_users, getUsersCourses, unenrolUsers', async () => {
    const [course] = (await moodle.getCoursesByField('idnumber', 'BUS101')).courses;
    const [student] = await moodle.getUsersByField('username', ['edu-stu-2026-00013']);
    await moodle.enrolUsers([{ roleid: 5, userid: student.id, courseid: course.id }]);
    expect((await moodle.getUsersCourses(student.id)).map((c) => c.idnumber)).toEqual(['BUS101']);

    await moodle.enrolUsers([{ roleid: 5, userid: student.id, courseid: course.id, suspend: true }]);
    expect(await moodle.getUsersCourses(student.id)).toEqual([]);
    const suspended = await enrolledUsers(site, course.id, { onlysuspended: true, userfields: 'id,idnumber' });
    expect(suspended).toEqual([{ id: student.id, fullname: 'Lily Wright', idnumber: 'EDU-STU-2026-00013' }]);
    const active = await enrolledUsers(site, course.id, { onlyactive: true });
    expect(active.map((user) => user.id)).not.toContain(student.id);

    await moodle.unenrolUsers([{ userid: student.id, courseid: course.id }]);
    expect((await enrolledUsers(site, course.id)).map((user) => user.id)).not.toContain(student.id);
  });

  test('enrolUsers reports Moodle errors as permanent with their errorcode', async () => {
    const [course] = (await moodle.getCoursesByField('idnumber', 'CS101')).courses;
    const [student] = await moodle.getUsersByField('username', ['edu-stu-2026-00014']);
    const role = await expectMoodleError(moodle.enrolUsers([{ roleid: 1, userid: student.id, courseid: course.id }]));
    expect(role).toMatchObject({ kind: 'permanent', code: 'wsusercannotassign' });
    const user = await expectMoodleError(moodle.enrolUsers([{ roleid: 5, userid: 999999, courseid: course.id }]));
    expect(user).toMatchObject({ kind: 'permanent', code: 'codingerror' });
    const missingCourse = await expectMoodleError(enrolledUsers(site, 99999));
    expect(missingCourse).toMatchObject({ kind: 'permanent', code: 'invalidrecord', exception: 'dml_missing_record_exception' });
  });

  test('a batch larger than max_input_vars is split into requests that each stay under it', async () => {
    const [course] = (await moodle.getCoursesByField('idnumber', 'ECON101')).courses;
    const created = await moodle.createUsers(
      Array.from({ length: 20 }, (_, i) => ({ username: `bulk${i}`, firstname: 'Bulk', lastname: `Student ${i}`, email: `bulk${i}@students.cbu.example`, password: 'Bulk#2026pw' })),
    );
    // 1300 enrolments × 4 fields = 5200 fields: one request would lose its tail to max_input_vars.
    // Each user appears only in the last 20 entries, so a lost second request leaves them unenrolled.
    const enrolments = Array.from({ length: 1300 }, (_, i) => ({ roleid: 5, userid: created[Math.max(0, i - 1280)].id, courseid: course.id, suspend: false }));
    await sandboxJson(sandbox, '/__sandbox/requests', 'DELETE');
    await moodle.enrolUsers(enrolments);
    const counts = (await sandboxJson(sandbox, '/__sandbox/requests')) as Record<string, number>;
    expect(counts.enrol_manual_enrol_users).toBe(2);
    const enrolled = await enrolledUsers(site, course.id, { userfields: 'id' });
    expect(enrolled.map((user) => user.id)).toEqual(expect.arrayContaining(created.map((user) => user.id)));
  });

  test('getGradeItems returns course totals with their grading date', async () => {
    const [course] = (await moodle.getCoursesByField('idnumber', 'CS101')).courses;
    const { usergrades } = await moodle.getGradeItems(course.id);
    expect(usergrades.length).toBeGreaterThan(0);
    for (const user of usergrades) {
      const total = user.gradeitems.find((item) => item.itemtype === 'course');
      expect(total?.graderaw).toEqual(expect.any(Number));
      expect(total?.gradedategraded).toEqual(expect.any(Number));
    }
    const [one] = usergrades;
    const single = await moodle.getGradeItems(course.id, one.userid);
    expect(single.usergrades).toHaveLength(1);
    expect(single.usergrades[0].useridnumber).toBe(one.useridnumber);
  });

  test('getCourseContents finds the attendance instance; getAttendanceSessions and mod_attendance_get_session return P/L/E/A marks', async () => {
    const [course] = (await moodle.getCoursesByField('idnumber', 'CS101')).courses;
    const sections = await moodle.getCourseContents(course.id);
    const attendance = sections.flatMap((section) => section.modules).find((module) => module.modname === 'attendance');
    expect(attendance?.instance).toEqual(expect.any(Number));
    const sessions = await moodle.getAttendanceSessions(attendance?.instance ?? 0);
    expect(sessions).toHaveLength(4);
    expect(sessions[0].statuses.map((status) => status.acronym)).toEqual(['P', 'L', 'E', 'A']);
    expect(sessions[0].attendance_log.length).toBeGreaterThan(0);
    expect(typeof sessions[0].attendance_log[0].statusid).toBe('string');
    const session = await rest('mod_attendance_get_session', { sessionid: sessions[1].id }, z.object({ id: z.number(), courseid: z.number() }));
    expect(session.id).toBe(sessions[1].id);
    expect(session.courseid).toBe(course.id);
  });

  const completionStatus = (courseid: number, userid: number) =>
    rest(
      'core_completion_get_course_completion_status',
      { courseid, userid },
      z.object({ completionstatus: z.object({ completed: z.boolean(), completions: z.array(z.object({ type: z.number(), complete: z.boolean(), timecompleted: z.number().nullable() })) }) }),
    );

  test('core_completion_get_course_completion_status: criterion met but incomplete until the completion task runs', async () => {
    const [course] = (await moodle.getCoursesByField('idnumber', 'ACC101')).courses;
    const [graded] = (await moodle.getGradeItems(course.id)).usergrades;
    await sandboxJson(sandbox, '/__sandbox/completion/criteria', 'POST', { courseid: course.id, gradepass: 1 });
    const before = await completionStatus(course.id, graded.userid);
    expect(before.completionstatus).toMatchObject({ completed: false, completions: [{ type: 6, complete: false, timecompleted: null }] });
    // Like the real site, a criterion met is aggregated into the course completion by the next run.
    await sandboxJson(sandbox, '/__sandbox/cron', 'POST');
    const afterOneRun = await completionStatus(course.id, graded.userid);
    expect(afterOneRun.completionstatus).toMatchObject({ completed: false, completions: [{ complete: true }] });
    await sandboxJson(sandbox, '/__sandbox/cron', 'POST');
    const after = await completionStatus(course.id, graded.userid);
    expect(after.completionstatus).toMatchObject({ completed: true, completions: [{ complete: true, timecompleted: expect.any(Number) }] });
  });

  test('core_completion_get_course_completion_status reports usernotenroled as a permanent error', async () => {
    const [course] = (await moodle.getCoursesByField('idnumber', 'CS101')).courses;
    const error = await expectMoodleError(completionStatus(course.id, 1));
    expect(error).toMatchObject({ kind: 'permanent', code: 'usernotenroled' });
  });

  test("an external abort signal cancels the request and surfaces as the caller's own abort, not a Moodle failure", async () => {
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    await sandboxJson(sandbox, '/__sandbox/faults', 'PUT', { latencyMs: 2_000 });
    try {
      const pending = moodle.getUsersByField('id', [1], { signal: controller.signal });
      setTimeout(() => controller.abort(reason), 50);
      await expect(pending).rejects.toBe(reason);
    } finally {
      await sandboxJson(sandbox, '/__sandbox/faults', 'PUT', {});
    }
  });
});

describe('Moodle client failure classification over HTTP', () => {
  let sandbox: MoodleSandbox;

  beforeEach(async () => {
    sandbox = await startMoodleSandbox({ seed: 'empty', token });
  });
  afterEach(async () => {
    await sandbox.close();
  });

  const client = (options: { token?: string; timeoutMs?: number } = {}) => createMoodleClient({ url: sandbox.url, token: options.token ?? token, timeoutMs: options.timeoutMs ?? 5_000 });

  test('a bad token is permanent invalidtoken, without the token in the message', async () => {
    const error = await expectMoodleError(client({ token: `${token}x` }).getUsersByField('id', [1]));
    expect(error).toMatchObject({ kind: 'permanent', code: 'invalidtoken', exception: 'moodle_exception' });
    expect(error.message).not.toContain(`${token}x`);
  });

  test('429 with Retry-After is rate-limited with retryAfterMs', async () => {
    await sandboxJson(sandbox, '/__sandbox/faults', 'PUT', { rateLimit: { perSecond: 1, retryAfterSeconds: 7 } });
    const moodle = client();
    const results = await Promise.allSettled([moodle.getUsersByField('id', [1]), moodle.getUsersByField('id', [1]), moodle.getUsersByField('id', [1])]);
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected').map((result) => result.reason as MoodleError);
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(rejected[0]).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 7_000, code: 'HTTP_429' });
  });

  test('a 503 outage with Retry-After is rate-limited with retryAfterMs', async () => {
    await sandboxJson(sandbox, '/__sandbox/faults', 'PUT', { outageMs: 60_000, outageRetryAfterSeconds: 3 });
    const error = await expectMoodleError(client().getUsersByField('id', [1]));
    expect(error).toMatchObject({ kind: 'rate-limited', status: 503, retryAfterMs: 3_000 });
  });

  test('random 5xx answers are transient', async () => {
    await sandboxJson(sandbox, '/__sandbox/faults', 'PUT', { errorRate: 1 });
    const error = await expectMoodleError(client().getUsersByField('id', [1]));
    expect(error.kind).toBe('transient');
    expect([500, 502, 504]).toContain(error.status);
  });

  test('a request slower than the timeout is a transient timeout', async () => {
    await sandboxJson(sandbox, '/__sandbox/faults', 'PUT', { latencyMs: 1_000 });
    const error = await expectMoodleError(client({ timeoutMs: 100 }).getUsersByField('id', [1]));
    expect(error).toMatchObject({ kind: 'transient', code: 'TIMEOUT' });
  });

  test('web services disabled (403, empty body) is permanent with a clear message', async () => {
    await sandboxJson(sandbox, '/__sandbox/settings', 'PUT', { enablewebservices: false });
    const error = await expectMoodleError(client().getUsersByField('id', [1]));
    expect(error).toMatchObject({ kind: 'permanent', status: 403 });
    expect(error.message).toContain('web services or the REST protocol are disabled');
  });

  test('a missing capability is permanent nopermissions', async () => {
    await sandboxJson(sandbox, '/__sandbox/settings', 'PUT', { revokedCapabilities: ['moodle/user:create'] });
    const error = await expectMoodleError(client().createUsers([{ username: 'x', firstname: 'X', lastname: 'Y', email: 'x@example.edu', createpassword: true }]));
    expect(error).toMatchObject({ kind: 'permanent', code: 'nopermissions', exception: 'required_capability_exception' });
  });

  test('connection refused is transient', async () => {
    const port = await freePort();
    const error = await expectMoodleError(createMoodleClient({ url: `http://127.0.0.1:${port}`, token }).getUsersByField('id', [1]));
    expect(error).toMatchObject({ kind: 'transient', code: 'NETWORK' });
    expect(error.message).toContain('ECONNREFUSED');
  });

  test('a PHP Error body without errorcode is permanent, coded by its exception class', async () => {
    const error = await expectMoodleError(client().getCoursesByField('ids', '1,999'));
    expect(error).toMatchObject({ kind: 'permanent', code: 'Error', exception: 'Error', errorcode: undefined });
  });
});

describe('Moodle client against a sandbox whose web-service account is suspended', () => {
  test('wsaccessusersuspended is permanent', async () => {
    const sandbox = await startMoodleSandbox({ seed: 'empty', token });
    try {
      const wsUser = sandbox.state.users.find((user) => user.username === 'campusbridge');
      if (wsUser) wsUser.suspended = true;
      const error = await expectMoodleError(createMoodleClient({ url: sandbox.url, token }).getUsersByField('id', [1]));
      expect(error).toMatchObject({ kind: 'permanent', code: 'wsaccessusersuspended' });
    } finally {
      await sandbox.close();
    }
  });
});

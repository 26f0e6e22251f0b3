import type { Mapping } from '../config/mapping-file';
import { moodleWebServiceFunctions, type MoodleClient } from '../moodle/client';
import { MoodleError } from '../moodle/errors';
import { blocker, ok, unreachable, warning, type Check } from './checks';

/** Graded activity types whose grade items vanish without `mod/<type>:view` (109). */
const gradedModules = ['assign', 'quiz', 'attendance', 'workshop', 'lesson'];

/**
 * The Moodle half of the pre-integration checklist: the token, the service's functions, and
 * probes for the capabilities whose absence changes answers without an error (names, grade
 * items) or refuses reads (attendance). Read-only.
 */
export async function moodleChecks(moodle: MoodleClient, mapping: Pick<Mapping, 'moodle'>): Promise<Check[]> {
  let info;
  try {
    info = await moodle.getSiteInfo();
  } catch (err) {
    const invalid = err instanceof MoodleError && err.errorcode === 'invalidtoken';
    return [unreachable('moodle', 'token', err, invalid ? 'create a token for the integration user in the external service and set MOODLE_TOKEN' : 'check MOODLE_URL, and that web services and the REST protocol are enabled')];
  }
  const checks: Check[] = [ok('moodle', 'token', `valid for ${info.username} on ${info.sitename}${info.release ? ` (${info.release})` : ''}`)];
  if (info.userissiteadmin) checks.push(warning('moodle', 'integration user', `${info.username} is a site administrator`, 'use a user with only the integration role (docs/operations.md): an admin token can do anything'));

  const present = new Set(info.functions.map((f) => f.name));
  const missing = moodleWebServiceFunctions.filter((name) => !present.has(name));
  checks.push(
    missing.length === 0
      ? ok('moodle', 'web-service functions', `all ${moodleWebServiceFunctions.length} functions in the service`)
      : blocker('moodle', 'web-service functions', `missing from the external service: ${missing.join(', ')}`, 'Site administration → Server → Web services → External services → the service → Functions: add them'),
  );

  checks.push(...(await probeCapabilities(moodle, info.userid, mapping.moodle.studentRoleId)));
  return checks;
}

async function probeCapabilities(moodle: MoodleClient, caller: number, studentRoleId: number): Promise<Check[]> {
  const checks: Check[] = [];
  const { users } = await moodle.getUsers([{ key: 'email', value: '%' }]);
  const others = users.filter((u) => u.id !== caller && u.username !== 'guest');
  if (others.length === 0) checks.push(warning('moodle', 'moodle/site:viewfullnames', 'no other user to probe with', 'run doctor again once students exist'));
  else if (others.some((u) => u.firstname === undefined || u.lastname === undefined)) {
    checks.push(blocker('moodle', 'moodle/site:viewfullnames', 'user records come back without firstname/lastname (049)', 'allow moodle/site:viewfullnames for the integration role (system context)'));
  } else checks.push(ok('moodle', 'moodle/site:viewfullnames', `names visible on ${others.length} users`));

  const courses = (await moodle.getCoursesByField()).courses.filter((c) => c.format !== 'site' && (c.idnumber ?? '') !== '');
  let gradeProbe: Check | undefined;
  let attendanceProbe: Check | undefined;
  let roleProbe: Check | undefined;
  for (const course of courses) {
    if (gradeProbe && attendanceProbe && roleProbe) break;
    const modules = (await moodle.getCourseContents(course.id)).flatMap((section) => section.modules);
    const graded = modules.filter((m) => gradedModules.includes(m.modname));
    if (!gradeProbe && graded.length > 0) {
      const { usergrades } = await moodle.getGradeItems(course.id, 0);
      if (usergrades.length > 0) {
        const shown = new Set(usergrades[0].gradeitems.map((item) => `${item.itemmodule ?? ''}:${item.iteminstance ?? ''}`));
        const vanished = [...new Set(graded.filter((m) => !shown.has(`${m.modname}:${m.instance}`)).map((m) => m.modname))];
        gradeProbe =
          vanished.length === 0
            ? ok('moodle', 'mod/<module>:view', `grade items of ${[...new Set(graded.map((m) => m.modname))].join(', ')} visible in ${course.idnumber}`)
            : blocker('moodle', 'mod/<module>:view', `grade items of ${vanished.join(', ')} missing in ${course.idnumber} (109)`, `allow ${vanished.map((m) => `mod/${m}:view`).join(', ')} for the integration role`);
      }
    }
    const attendance = modules.find((m) => m.modname === 'attendance');
    if (!attendanceProbe && attendance?.instance !== undefined) {
      try {
        await moodle.getAttendanceSessions(attendance.instance);
        attendanceProbe = ok('moodle', 'mod/attendance:takeattendances', `sessions readable in ${course.idnumber}`);
      } catch (err) {
        if (!(err instanceof MoodleError)) throw err;
        attendanceProbe = blocker('moodle', 'mod/attendance:takeattendances', `attendance sessions refused in ${course.idnumber} (${err.errorcode ?? err.exception})`, 'allow mod/attendance:takeattendances (or changeattendances/manageattendances) for the integration role');
      }
    }
    if (!roleProbe) {
      const roster = await moodle.getEnrolledUsers(course.id);
      if (roster.length > 0) {
        roleProbe = roster.some((u) => (u.roles ?? []).some((r) => r.roleid === studentRoleId))
          ? ok('moodle', 'student role', `role id ${studentRoleId} (mapping moodle.studentRoleId) held by students in ${course.idnumber}`)
          : warning('moodle', 'student role', `nobody in ${course.idnumber} holds role id ${studentRoleId}`, 'check moodle.studentRoleId in the mapping file against Site administration → Users → Define roles, and that the integration role may assign it');
      }
    }
  }
  checks.push(gradeProbe ?? warning('moodle', 'mod/<module>:view', 'no course with graded activities and students to probe', 'run doctor again once a course has graded work'));
  checks.push(attendanceProbe ?? warning('moodle', 'mod/attendance:takeattendances', 'no attendance activity to probe', 'skip if attendance is not synced'));
  checks.push(roleProbe ?? warning('moodle', 'student role', 'no enrolled users to probe', `check that role id ${studentRoleId} exists and may be assigned`));
  return checks;
}

import { z } from 'zod';
import { codingError, invalidParameter, moodleException } from '../exceptions';
import { activeCoursesOf, activeEnrolmentIndex, courseEnrolments, enrolUser, unenrolUser } from '../enrolments';
import { multiple, optional, single, value, withDefault } from '../parameters';
import { userDetails } from '../presenters';
import { transaction, type MoodleState, type UserRecord } from '../state';
import { findCourse } from './courses';
import { requireCapability, type FunctionContext, type WsFunction } from './function';

export const enrolUsers: WsFunction = {
  name: 'enrol_manual_enrol_users',
  version: '2022112800',
  parameters: {
    enrolments: multiple(
      single({
        roleid: value('int'),
        userid: value('int'),
        courseid: value('int'),
        timestart: value('int', optional),
        timeend: value('int', optional),
        suspend: value('int', optional),
      }),
    ),
  },
  execute(args, context) {
    const { enrolments } = z
      .object({ enrolments: z.array(z.object({ roleid: z.number(), userid: z.number(), courseid: z.number(), timestart: z.number().optional(), timeend: z.number().optional(), suspend: z.number().optional() })) })
      .parse(args);
    const { state } = context;
    // One delegated transaction for the whole call (captures 087/088).
    transaction(state, () => {
      for (const enrolment of enrolments) {
        if (!state.courses.some((course) => course.id === enrolment.courseid)) throw invalidParameter('Context does not exist');
        requireCapability(context, 'enrol/manual:enrol', 'Enrol users');
        if (!state.assignableRoles.includes(enrolment.roleid)) {
          throw moodleException('wsusercannotassign', `You don't have the permission to assign this role (${enrolment.roleid}) to this user (${enrolment.userid}) in this course (${enrolment.courseid}).`);
        }
        const instance = state.enrolInstances.find((candidate) => candidate.courseid === enrolment.courseid && candidate.enrol === 'manual' && candidate.status === 0);
        // Moodle 4.1 passes the wrong argument to the string, leaving the placeholder unreplaced (capture 090).
        if (!instance) throw moodleException('wsnoinstance', "Manual enrolment plugin instance doesn't exist or is disabled for the course (id = {$a->courseid})");
        if (!state.users.some((user) => user.id === enrolment.userid && !user.deleted)) {
          throw codingError('User ID does not exist or is deleted!', `userid:${enrolment.userid}`);
        }
        enrolUser(context, instance, enrolment.userid, enrolment.roleid, enrolment.timestart ?? 0, enrolment.timeend ?? 0, enrolment.suspend ? 1 : 0);
      }
    });
    return null;
  },
};

export const unenrolUsers: WsFunction = {
  name: 'enrol_manual_unenrol_users',
  version: '2022112800',
  parameters: { enrolments: multiple(single({ userid: value('int'), courseid: value('int'), roleid: value('int', optional) })) },
  execute(args, context) {
    const { enrolments } = z.object({ enrolments: z.array(z.object({ userid: z.number(), courseid: z.number() })) }).parse(args);
    const { state } = context;
    transaction(state, () => {
      for (const enrolment of enrolments) {
        findCourse(state, enrolment.courseid, 'SELECT id,category FROM {course} WHERE id = ?');
        requireCapability(context, 'enrol/manual:unenrol', 'Unenrol users from the course');
        const instance = state.enrolInstances.find((candidate) => candidate.courseid === enrolment.courseid && candidate.enrol === 'manual');
        if (!instance) throw moodleException('wsnoinstance', "Manual enrolment plugin instance doesn't exist or is disabled for the course (id = {$a->courseid})");
        if (!state.users.some((user) => user.id === enrolment.userid)) throw invalidParameter(`User id not exist: ${enrolment.userid}`);
        unenrolUser(context, instance, enrolment.userid);
      }
    });
    return null;
  },
};

function courseRoles(state: MoodleState, courseid: number, userid: number) {
  return state.roleAssignments
    .filter((ra) => ra.courseid === courseid && ra.userid === userid)
    .map((ra) => state.roles.find((role) => role.id === ra.roleid))
    .filter((role) => role !== undefined)
    .sort((a, b) => a.sortorder - b.sortorder)
    .map((role) => ({ roleid: role.id, name: role.name, shortname: role.shortname, sortorder: 0 }));
}

/** Field order of `user_get_user_details_courses` for a participant. */
const participantOrder = ['id', 'username', 'firstname', 'lastname', 'fullname', 'email', 'department', 'institution', 'idnumber', 'firstaccess', 'lastaccess', 'lastcourseaccess', 'city', 'country', 'profileimageurlsmall', 'profileimageurl', 'customfields', 'roles', 'enrolledcourses'];

function participant(user: UserRecord, courseid: number, context: FunctionContext, fields: Set<string> | null, index: Map<number, Set<number>>) {
  const { state } = context;
  const base = userDetails(user, context);
  const all: Record<string, unknown> = { ...base, lastcourseaccess: 0, roles: courseRoles(state, courseid, user.id) };
  const courses = activeCoursesOf(state, user.id, index);
  if (courses.length > 0) all.enrolledcourses = courses.map((course) => ({ id: course.id, fullname: course.fullname, shortname: course.shortname }));
  const result: Record<string, unknown> = {};
  for (const key of participantOrder) {
    if (!(key in all)) continue;
    if (fields && key !== 'id' && key !== 'fullname' && !fields.has(key)) continue;
    result[key] = all[key];
  }
  return result;
}

export const getEnrolledUsers: WsFunction = {
  name: 'core_enrol_get_enrolled_users',
  version: '2022112810',
  parameters: { courseid: value('int'), options: multiple(single({ name: value('alphanumext'), value: value('raw') }), optional) },
  execute(args, context) {
    const { courseid, options = [] } = z.object({ courseid: z.number(), options: z.array(z.object({ name: z.string(), value: z.string() })).optional() }).parse(args);
    const { state } = context;
    findCourse(state, courseid);
    requireCapability(context, 'moodle/course:viewparticipants', 'View participants');
    const option = new Map(options.map((entry) => [entry.name.toLowerCase(), entry.value]));
    const onlyActive = option.get('onlyactive') === '1';
    const onlySuspended = option.get('onlysuspended') === '1';
    if (onlyActive && onlySuspended) throw moodleException('bothonlyactiveandonlysuspended', 'Coding error: onlyactive and onlysuspended cannot both be set');
    const fields = option.has('userfields') ? new Set((option.get('userfields') ?? '').split(',').map((field) => field.trim())) : null;
    const limitfrom = Number(option.get('limitfrom') ?? 0);
    const limitnumber = Number(option.get('limitnumber') ?? 0);

    const index = activeEnrolmentIndex(state);
    const userIds = new Set(
      courseEnrolments(state, courseid)
        .map((ue) => ue.userid)
        .filter((userid) => {
          const active = index.get(userid)?.has(courseid) ?? false;
          return onlyActive ? active : onlySuspended ? !active : true;
        }),
    );
    const users = state.users.filter((user) => userIds.has(user.id) && !user.deleted).sort((a, b) => a.id - b.id);
    const page = limitnumber > 0 ? users.slice(limitfrom, limitfrom + limitnumber) : users.slice(limitfrom);
    return page.map((user) => participant(user, courseid, context, fields, index));
  },
};

export const getUsersCourses: WsFunction = {
  name: 'core_enrol_get_users_courses',
  version: '2022112810',
  parameters: { userid: value('int'), returnusercount: value('bool', withDefault(true)) },
  execute(args, context) {
    const { userid, returnusercount } = z.object({ userid: z.number(), returnusercount: z.boolean() }).parse(args);
    const { state } = context;
    return activeCoursesOf(state, userid).map((course) => {
      // Without completion enabled, completion_info is never consulted: null/false (capture 303).
      const tracked = course.enablecompletion === 1;
      const hasCriteria = tracked && state.completionCriteria.has(course.id);
      const completed = tracked ? state.courseCompletions.has(`${course.id}:${userid}`) : null;
      // count_enrolled_users without onlyactive: suspended enrolments count too (issue 9, seen on the real site).
      const enrolledCount = new Set(courseEnrolments(state, course.id).map((ue) => ue.userid)).size;
      return {
        id: course.id,
        shortname: course.shortname,
        fullname: course.fullname,
        displayname: course.fullname,
        ...(returnusercount ? { enrolledusercount: enrolledCount } : {}),
        idnumber: course.idnumber,
        visible: course.visible,
        summary: course.summary,
        summaryformat: 1,
        format: course.format,
        showgrades: course.showgrades === 1,
        lang: '',
        enablecompletion: course.enablecompletion === 1,
        completionhascriteria: hasCriteria,
        completionusertracked: tracked,
        category: course.category,
        progress: hasCriteria ? (completed ? 100 : 0) : null,
        completed,
        startdate: course.startdate,
        enddate: course.enddate,
        marker: 0,
        lastaccess: null,
        isfavourite: false,
        hidden: false,
        overviewfiles: [],
        showactivitydates: false,
        showcompletionconditions: tracked ? true : null,
        timemodified: course.timemodified,
      };
    });
  },
};

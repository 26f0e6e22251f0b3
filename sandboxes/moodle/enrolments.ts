import type { FunctionContext } from './functions/function';
import { nextId, type EnrolInstance, type MoodleState, type UserEnrolment } from './state';
import { removeFromCourseGroups } from './groups';

/**
 * Enrolment rules shared by the enrol functions, the grade report and the demo seed, following
 * `lib/enrollib.php` (enrol_user / unenrol_user / is_enrolled).
 */
export function isActive(state: MoodleState, ue: UserEnrolment): boolean {
  const instance = state.enrolInstances.find((candidate) => candidate.id === ue.enrolid);
  const now = state.now();
  return ue.status === 0 && instance?.status === 0 && ue.timestart <= now && (ue.timeend === 0 || ue.timeend > now);
}

export function courseEnrolments(state: MoodleState, courseid: number): UserEnrolment[] {
  const instances = new Set(state.enrolInstances.filter((instance) => instance.courseid === courseid).map((instance) => instance.id));
  return state.userEnrolments.filter((ue) => instances.has(ue.enrolid));
}

export function isEnrolled(state: MoodleState, courseid: number, userid: number, onlyActive = true): boolean {
  return courseEnrolments(state, courseid).some((ue) => ue.userid === userid && (!onlyActive || isActive(state, ue)));
}

/** Course ids per user with an active enrolment, built in one pass for calls that ask about many users. */
export function activeEnrolmentIndex(state: MoodleState): Map<number, Set<number>> {
  const instances = new Map(state.enrolInstances.map((instance) => [instance.id, instance]));
  const index = new Map<number, Set<number>>();
  for (const ue of state.userEnrolments) {
    const instance = instances.get(ue.enrolid);
    if (!instance || !isActive(state, ue)) continue;
    const courses = index.get(ue.userid) ?? new Set<number>();
    courses.add(instance.courseid);
    index.set(ue.userid, courses);
  }
  return index;
}

/** Courses where the user has an active enrolment, in Moodle's `sortorder` order. */
export function activeCoursesOf(state: MoodleState, userid: number, index = activeEnrolmentIndex(state)) {
  const courseIds = index.get(userid) ?? new Set<number>();
  return state.courses.filter((course) => course.format !== 'site' && courseIds.has(course.id)).sort((a, b) => a.sortorder - b.sortorder);
}

/**
 * enrol_user: a new enrolment, or an update of dates and status of an existing one (a blind retry
 * therefore reactivates and clears dates); the role is added, never replaced.
 */
export function enrolUser(context: FunctionContext, instance: EnrolInstance, userid: number, roleid: number, timestart: number, timeend: number, status: number) {
  const { state } = context;
  const existing = state.userEnrolments.find((ue) => ue.enrolid === instance.id && ue.userid === userid);
  const event = { component: 'core', target: 'user_enrolment', objecttable: 'user_enrolments', contextinstanceid: instance.courseid, userid: context.caller.id, courseid: instance.courseid, relateduserid: userid, other: { enrol: instance.enrol }, timecreated: state.now() };
  if (existing) {
    if (existing.timestart !== timestart || existing.timeend !== timeend || existing.status !== status) {
      Object.assign(existing, { timestart, timeend, status });
      context.emit({ ...event, eventname: '\\core\\event\\user_enrolment_updated', action: 'updated', objectid: existing.id, crud: 'u' });
    }
  } else {
    const ue: UserEnrolment = { id: nextId(state, 'user_enrolments'), enrolid: instance.id, userid, status, timestart, timeend, timecreated: state.now() };
    state.userEnrolments.push(ue);
    context.emit({ ...event, eventname: '\\core\\event\\user_enrolment_created', action: 'created', objectid: ue.id, crud: 'c' });
  }
  if (roleid && !state.roleAssignments.some((ra) => ra.userid === userid && ra.courseid === instance.courseid && ra.roleid === roleid)) {
    state.roleAssignments.push({ userid, courseid: instance.courseid, roleid });
  }
}

/** unenrol_user: removing the last enrolment also removes course roles, grades and group memberships. */
export function unenrolUser(context: FunctionContext, instance: EnrolInstance, userid: number) {
  const { state } = context;
  const ue = state.userEnrolments.find((candidate) => candidate.enrolid === instance.id && candidate.userid === userid);
  if (!ue) return;
  state.userEnrolments = state.userEnrolments.filter((candidate) => candidate !== ue);
  context.emit({ eventname: '\\core\\event\\user_enrolment_deleted', component: 'core', action: 'deleted', target: 'user_enrolment', objecttable: 'user_enrolments', objectid: ue.id, crud: 'd', contextinstanceid: instance.courseid, userid: context.caller.id, courseid: instance.courseid, relateduserid: userid, other: { enrol: instance.enrol }, timecreated: state.now() });
  if (!isEnrolled(state, instance.courseid, userid, false)) {
    state.roleAssignments = state.roleAssignments.filter((ra) => !(ra.userid === userid && ra.courseid === instance.courseid));
    const items = new Set(state.gradeItems.filter((item) => item.courseid === instance.courseid).map((item) => item.id));
    state.grades = state.grades.filter((grade) => !(grade.userid === userid && items.has(grade.itemid)));
    // enrol_plugin::unenrol_user also drops the user's groups in the course (from Moodle's source).
    removeFromCourseGroups(state, instance.courseid, userid);
  }
}

import type { FunctionContext } from './functions/function';
import { nextId, type EnrolInstance, type MoodleState, type UserEnrolment } from './state';
import { removeFromCourseGroups } from './groups';
import { moodleEvent, userEnrolmentRow } from './events';

/**
 * Enrolment rules shared by the enrol functions, the grade report and the demo seed, following
 * `lib/enrollib.php` (enrol_user / unenrol_user / is_enrolled).
 */
export function isActive(state: MoodleState, ue: UserEnrolment, instance = state.enrolInstances.find((candidate) => candidate.id === ue.enrolid)): boolean {
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
    if (!instance || !isActive(state, ue, instance)) continue;
    const courses = index.get(ue.userid) ?? new Set<number>();
    courses.add(instance.courseid);
    index.set(ue.userid, courses);
  }
  return index;
}

/** One user's courses with an active enrolment: a pass over the enrolments, not an index of everyone's. */
function activeCourseIdsOf(state: MoodleState, userid: number): Set<number> {
  const courseIds = new Set<number>();
  for (const ue of state.userEnrolments) {
    if (ue.userid !== userid) continue;
    const instance = state.enrolInstances.find((candidate) => candidate.id === ue.enrolid);
    if (instance && isActive(state, ue, instance)) courseIds.add(instance.courseid);
  }
  return courseIds;
}

/**
 * Courses where the user has an active enrolment, in Moodle's `sortorder` order. A course left in a
 * missing category fails the context validation both callers run per course, so it is skipped
 * silently (296, 295 without `enrolledcourses`).
 */
export function activeCoursesOf(state: MoodleState, userid: number, index?: Map<number, Set<number>>) {
  const courseIds = index ? (index.get(userid) ?? new Set<number>()) : activeCourseIdsOf(state, userid);
  return state.courses.filter((course) => course.format !== 'site' && courseIds.has(course.id) && state.categories.has(course.category)).sort((a, b) => a.sortorder - b.sortorder);
}

/**
 * enrol_user: a new enrolment, or an update of dates and status of an existing one (a blind retry
 * therefore reactivates and clears dates); the role is added, never replaced.
 */
export function enrolUser(context: FunctionContext, instance: EnrolInstance, userid: number, roleid: number, timestart: number, timeend: number, status: number) {
  const { state } = context;
  const existing = state.userEnrolments.find((ue) => ue.enrolid === instance.id && ue.userid === userid);
  const common = { target: 'user_enrolment', objecttable: 'user_enrolments', context: { level: 'course' as const, instanceid: instance.courseid }, actorid: context.caller.id, courseid: String(instance.courseid), other: { enrol: instance.enrol } };
  if (existing) {
    if (existing.timestart !== timestart || existing.timeend !== timeend || existing.status !== status) {
      Object.assign(existing, { timestart, timeend, status, modifierid: context.caller.id, timemodified: state.now() });
      // update_user_enrol reads the row back: its ids are strings (from Moodle's source; no capture).
      context.emit(moodleEvent(state, { ...common, eventname: '\\core\\event\\user_enrolment_updated', action: 'updated', objectid: String(existing.id), crud: 'u', relateduserid: String(userid) }));
    }
  } else {
    const ue: UserEnrolment = { id: nextId(state, 'user_enrolments'), enrolid: instance.id, userid, status, timestart, timeend, timecreated: state.now(), modifierid: context.caller.id, timemodified: state.now() };
    state.userEnrolments.push(ue);
    // objectid from insert_record and the validated userid are integers; courseid is the instance's stored string (309).
    context.emit(moodleEvent(state, { ...common, eventname: '\\core\\event\\user_enrolment_created', action: 'created', objectid: ue.id, crud: 'c', relateduserid: userid }));
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
  const lastenrol = !isEnrolled(state, instance.courseid, userid, false);
  // Everything comes from the row read back before the delete, so every id is a string (307).
  const userenrolment = { ...userEnrolmentRow(ue), courseid: String(instance.courseid), enrol: instance.enrol, lastenrol };
  context.emit(moodleEvent(state, {
    eventname: '\\core\\event\\user_enrolment_deleted', action: 'deleted', target: 'user_enrolment', objecttable: 'user_enrolments', objectid: String(ue.id), crud: 'd',
    context: { level: 'course', instanceid: instance.courseid }, actorid: context.caller.id, courseid: String(instance.courseid), relateduserid: String(ue.userid), other: { userenrolment, enrol: instance.enrol },
  }));
  if (lastenrol) {
    state.roleAssignments = state.roleAssignments.filter((ra) => !(ra.userid === userid && ra.courseid === instance.courseid));
    const items = new Set(state.gradeItems.filter((item) => item.courseid === instance.courseid).map((item) => item.id));
    state.grades = state.grades.filter((grade) => !(grade.userid === userid && items.has(grade.itemid)));
    // enrol_plugin::unenrol_user also drops the user's groups in the course (from Moodle's source).
    removeFromCourseGroups(state, instance.courseid, userid);
  }
}

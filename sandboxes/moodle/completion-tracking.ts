import { isEnrolled } from './enrolments';
import type { CourseModule, MoodleState } from './state';

/**
 * Activity completion and the activity criteria of course completion, as captures 252–272 show:
 * with activity criteria the course is marked complete in the same request that completes the
 * last activity (266), and a later "incomplete" revokes neither the criterion nor the course (272).
 */

export const completionKey = (cmid: number, userid: number) => `${cmid}:${userid}`;

/** Tracked = enrolled; a role without an enrolment is not enough (256). */
export const isTrackedUser = (state: MoodleState, courseid: number, userid: number) => isEnrolled(state, courseid, userid, true);

/** `course_completion_crit_compl` rows are kept by `courseid:userid:cmid`, time completed as value. */
export function criterionCompletionKey(courseid: number, userid: number, cmid: number) {
  return `crit:${courseid}:${userid}:${cmid}`;
}

export function setActivityState(state: MoodleState, module: CourseModule, userid: number, newState: number, overrideby: number | null) {
  const now = state.now();
  const existing = state.activityCompletions.get(completionKey(module.id, userid));
  state.activityCompletions.set(completionKey(module.id, userid), { cmid: module.id, userid, state: newState, timemodified: now, overrideby, viewed: existing?.viewed ?? false });
  if (newState === 0 || !isTrackedUser(state, module.courseid, userid)) return;
  const criteria = state.activityCriteria.get(module.courseid) ?? [];
  if (!criteria.some((criterion) => criterion.cmid === module.id)) return;
  const marks = state.criterionCompletions;
  if (!marks.has(criterionCompletionKey(module.courseid, userid, module.id))) marks.set(criterionCompletionKey(module.courseid, userid, module.id), now);
  // Aggregation ALL: the course completes once every criterion has been met.
  const courseKey = `${module.courseid}:${userid}`;
  if (!state.courseCompletions.has(courseKey) && criteria.every((criterion) => marks.has(criterionCompletionKey(module.courseid, userid, criterion.cmid)))) {
    state.courseCompletions.set(courseKey, now);
  }
}

/** Modules whose completion the course tracks, in course order, when completion is on for the course. */
export function trackedActivities(state: MoodleState, courseid: number): CourseModule[] {
  const course = state.courses.find((candidate) => candidate.id === courseid);
  if (!course?.enablecompletion) return [];
  return state.modules.filter((module) => module.courseid === courseid && (module.completion ?? 0) > 0).sort((a, b) => a.id - b.id);
}

/** Human module names in the "Viewing the …" requirement text. */
const moduleNouns: Record<string, string> = { assign: 'assignment', page: 'page', quiz: 'quiz', forum: 'forum', attendance: 'attendance' };

export function requirementText(module: CourseModule): string {
  if (module.completion === 1) return 'Marking yourself complete';
  return module.completionview ? `Viewing the ${moduleNouns[module.modname] ?? module.modname}` : '';
}

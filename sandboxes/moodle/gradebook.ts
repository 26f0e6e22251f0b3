import { nextId, type CourseModule, type GradeItem, type MoodleState } from './state';

/**
 * The gradebook as the user report shows it: an activity's grade is capped to its range (the raw
 * grade is kept, capture 107/108), and the course total uses Natural aggregation (sum of the
 * item grades over the sum of their maxima), Moodle 4.1's default.
 */
export function courseTotalItem(state: MoodleState, courseid: number): GradeItem {
  const existing = state.gradeItems.find((item) => item.courseid === courseid && item.itemtype === 'course');
  if (existing) return existing;
  const item: GradeItem = { id: nextId(state, 'grade_items'), courseid, itemtype: 'course', itemmodule: null, iteminstance: 1, itemnumber: null, itemname: null, idnumber: null, categoryid: null, grademin: 0, grademax: 0 };
  state.gradeItems.push(item);
  return item;
}

/** Adds an activity (assignment, attendance…) with its grade item, like `add_moduleinfo` does. */
export function addGradedModule(state: MoodleState, input: { courseid: number; modname: string; name: string; idnumber?: string; grademax: number; section?: number }): { module: CourseModule; item: GradeItem } {
  const total = courseTotalItem(state, input.courseid);
  const instance = state.modules.filter((module) => module.modname === input.modname).length + 1;
  const module: CourseModule = { id: nextId(state, 'course_modules'), courseid: input.courseid, modname: input.modname, instance, name: input.name, section: input.section ?? 0, visible: 1 };
  state.modules.push(module);
  const item: GradeItem = {
    id: nextId(state, 'grade_items'),
    courseid: input.courseid,
    itemtype: 'mod',
    itemmodule: input.modname,
    iteminstance: instance,
    itemnumber: 0,
    itemname: input.name,
    idnumber: input.idnumber ?? '',
    categoryid: total.iteminstance,
    grademin: 0,
    grademax: input.grademax,
    cmid: module.id,
  };
  state.gradeItems.push(item);
  return { module, item };
}

export interface FinalGrade {
  value: number | null;
  timemodified: number | null;
}

export function finalGrade(state: MoodleState, item: GradeItem, userid: number): FinalGrade {
  if (item.itemtype === 'course') {
    const items = activityItems(state, item.courseid).map((activity) => finalGrade(state, activity, userid)).filter((grade) => grade.value !== null);
    if (items.length === 0) return { value: null, timemodified: null };
    return { value: items.reduce((sum, grade) => sum + (grade.value ?? 0), 0), timemodified: Math.max(...items.map((grade) => grade.timemodified ?? 0)) };
  }
  const grade = state.grades.find((candidate) => candidate.itemid === item.id && candidate.userid === userid);
  if (!grade) return { value: null, timemodified: null };
  return { value: Math.min(Math.max(grade.rawgrade, item.grademin), item.grademax), timemodified: grade.timemodified };
}

export function activityItems(state: MoodleState, courseid: number): GradeItem[] {
  return state.gradeItems.filter((item) => item.courseid === courseid && item.itemtype !== 'course');
}

/** Natural aggregation excludes empty grades, so a user's course maximum counts only items they were graded in. */
export function courseGradeMax(state: MoodleState, courseid: number, userid?: number): number {
  const items = activityItems(state, courseid);
  const graded = userid === undefined ? [] : items.filter((item) => finalGrade(state, item, userid).value !== null);
  return (graded.length > 0 ? graded : items).reduce((sum, item) => sum + item.grademax, 0);
}

export function setGrade(state: MoodleState, itemid: number, userid: number, rawgrade: number) {
  const existing = state.grades.find((grade) => grade.itemid === itemid && grade.userid === userid);
  if (existing) Object.assign(existing, { rawgrade, timemodified: state.now() });
  else state.grades.push({ itemid, userid, rawgrade, timemodified: state.now() });
}

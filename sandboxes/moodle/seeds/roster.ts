import { addCategory, type CategoryRecord } from '../categories';
import { insertCourse } from '../functions/courses';
import { addGradedModule } from '../gradebook';
import { nextId, type CourseRecord, type MoodleState } from '../state';

/**
 * Building blocks for demo data that roster provisioning works on (not in any seed yet): the
 * category a provisioned tree hangs under, and a template course to duplicate shells from.
 */

export interface ProvisioningRootOptions {
  name?: string;
  idnumber?: string;
  parent?: number;
}

/** The root of the provisioned category tree, found by its idnumber as provisioning looks it up. */
export function addProvisioningRoot(state: MoodleState, options: ProvisioningRootOptions = {}): CategoryRecord {
  return addCategory(state, { name: options.name ?? 'Campus Bridge', idnumber: options.idnumber ?? 'CB-ROOT', parent: options.parent });
}

export interface TemplateCourseOptions {
  categoryid: number;
  shortname?: string;
  fullname?: string;
}

/**
 * A hidden template course (shortname and idnumber `TEMPLATE-101`) with completion on, a graded
 * assignment completed on view and a page completed manually, both completion criteria of the
 * course, so a duplicate starts with activities and a completion rule.
 */
export function addTemplateCourse(state: MoodleState, options: TemplateCourseOptions): CourseRecord {
  const shortname = options.shortname ?? 'TEMPLATE-101';
  const course = insertCourse(state, { fullname: options.fullname ?? 'Template: introductory course', shortname, idnumber: shortname, categoryid: options.categoryid, format: 'topics', visible: 0, enablecompletion: 1 });
  const { module: assignment } = addGradedModule(state, { courseid: course.id, modname: 'assign', name: 'Welcome task', grademax: 100, section: 1 });
  Object.assign(assignment, { completion: 2, completionview: 1 });
  const page = { id: nextId(state, 'course_modules'), courseid: course.id, modname: 'page', instance: nextId(state, 'page'), name: 'Course handbook', section: 1, visible: 1, completion: 1 };
  state.modules.push(page);
  state.activityCriteria.set(course.id, [{ cmid: assignment.id }, { cmid: page.id }]);
  return course;
}

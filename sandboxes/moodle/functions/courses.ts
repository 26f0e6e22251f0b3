import { z } from 'zod';
import { invalidParameter, invalidRecord, moodleException, MoodleException } from '../exceptions';
import { multiple, optional, single, value, withDefault } from '../parameters';
import { categorySortorder } from '../categories';
import { courseDetails } from '../presenters';
import { categoryContextNotValid } from '../roster-state';
import { nextId, transaction, type CourseRecord, type MoodleState } from '../state';
import type { WsFunction } from './function';

export function findCourse(state: MoodleState, courseid: number, sql = 'SELECT * FROM {course} WHERE id = ?'): CourseRecord {
  const course = state.courses.find((candidate) => candidate.id === courseid);
  if (!course) throw invalidRecord('course', sql, [courseid]);
  return course;
}

export const getCoursesByField: WsFunction = {
  name: 'core_course_get_courses_by_field',
  version: '2022112810',
  parameters: { field: value('alpha', withDefault('')), value: value('raw', withDefault('')) },
  execute(args, context) {
    const { field, value: wanted } = z.object({ field: z.string(), value: z.string() }).parse(args);
    const { courses } = context.state;
    const byId = [...courses].sort((a, b) => a.id - b.id);
    let selected: CourseRecord[];
    switch (field) {
      case '':
        selected = byId;
        break;
      case 'id':
        selected = byId.filter((course) => String(course.id) === wanted);
        break;
      case 'ids': {
        const ids = wanted.split(',').map((id) => Number(id.trim()));
        // Moodle 4.1's validate_courses assigns onto the missing course: a PHP Error (capture 066).
        if (ids.some((id) => !courses.some((course) => course.id === id))) {
          throw new MoodleException('Error', undefined, 'Attempt to assign property "contextvalidated" on null');
        }
        selected = byId.filter((course) => ids.includes(course.id));
        break;
      }
      case 'shortname':
        selected = byId.filter((course) => course.shortname === wanted);
        break;
      case 'idnumber':
        selected = byId.filter((course) => course.idnumber === wanted);
        break;
      case 'category':
        selected = byId.filter((course) => String(course.category) === wanted);
        break;
      default:
        throw invalidParameter('Invalid field name');
    }
    return { courses: selected.map((course) => courseDetails(course, context)), warnings: [] };
  },
};

const courseInput = z.object({
  fullname: z.string(),
  shortname: z.string(),
  categoryid: z.number(),
  idnumber: z.string().optional(),
  summary: z.string().optional(),
  format: z.string(),
  visible: z.number().optional(),
  startdate: z.number().optional(),
  enddate: z.number().optional(),
  enablecompletion: z.number().optional(),
  showgrades: z.number().optional(),
  newsitems: z.number().optional(),
});

/** Creates a course with Moodle's default enrolment instances: manual enabled, guest and self disabled. */
export function insertCourse(state: MoodleState, input: z.infer<typeof courseInput>): CourseRecord {
  const now = state.now();
  // The weeks format computes enddate from startdate and numsections (4 by default) unless given (capture 168).
  const weeksEnd = input.format === 'weeks' && input.enddate === undefined && input.startdate ? input.startdate + 4 * 7 * 24 * 3600 : undefined;
  // New courses go to the top of their category, pushing the others down (captures 060/062).
  for (const course of state.courses) if (course.category === input.categoryid) course.sortorder += 1;
  const course: CourseRecord = {
    id: nextId(state, 'course'),
    category: input.categoryid,
    fullname: input.fullname,
    shortname: input.shortname,
    idnumber: input.idnumber ?? '',
    summary: input.summary ?? '',
    format: input.format,
    visible: input.visible ?? 1,
    startdate: input.startdate ?? 0,
    enddate: input.enddate ?? weeksEnd ?? 0,
    enablecompletion: input.enablecompletion ?? state.settings.defaultEnableCompletion,
    showgrades: input.showgrades ?? 1,
    newsitems: input.newsitems ?? 5,
    sortorder: categorySortorder(state, input.categoryid) + 1,
    timecreated: now,
    timemodified: now,
    cacherev: now,
  };
  state.courses.push(course);
  state.enrolInstances.push(
    { id: nextId(state, 'enrol'), courseid: course.id, enrol: 'manual', status: 0, roleid: 5 },
    { id: nextId(state, 'enrol'), courseid: course.id, enrol: 'guest', status: 1, roleid: 0 },
    { id: nextId(state, 'enrol'), courseid: course.id, enrol: 'self', status: 1, roleid: 5 },
  );
  // The real site's course contents include the news forum, "Announcements" in section 0 (issue 9);
  // it takes a course-module id, which is why the first capture set's assignment got cmid 3.
  if (course.newsitems > 0) {
    state.modules.push({ id: nextId(state, 'course_modules'), courseid: course.id, modname: 'forum', instance: nextId(state, 'forum'), name: 'Announcements', section: 0, visible: 1 });
  }
  return course;
}

export const createCourses: WsFunction = {
  name: 'core_course_create_courses',
  version: '2022112810',
  parameters: {
    courses: multiple(
      single({
        fullname: value('text'),
        shortname: value('text'),
        categoryid: value('int'),
        idnumber: value('raw', optional),
        summary: value('raw', optional),
        summaryformat: value('int', withDefault(1)),
        format: value('plugin', withDefault('topics')),
        showgrades: value('int', optional),
        newsitems: value('int', optional),
        startdate: value('int', optional),
        enddate: value('int', optional),
        numsections: value('int', optional),
        maxbytes: value('int', optional),
        showreports: value('int', optional),
        visible: value('int', optional),
        hiddensections: value('int', optional),
        groupmode: value('int', optional),
        groupmodeforce: value('int', optional),
        defaultgroupingid: value('int', optional),
        enablecompletion: value('int', optional),
        completionnotify: value('int', optional),
        lang: value('safedir', optional),
        forcetheme: value('plugin', optional),
      }),
    ),
  },
  execute(args, context) {
    const { courses } = z.object({ courses: z.array(courseInput) }).parse(args);
    const { state } = context;
    return transaction(state, () =>
      courses.map((input) => {
        // validate_context on the missing category's context (capture 165).
        if (!state.categories.has(input.categoryid)) throw categoryContextNotValid(input.categoryid);
        if (state.courses.some((course) => course.shortname === input.shortname)) {
          throw moodleException('shortnametaken', `Short name is already used for another course (${input.shortname})`);
        }
        if (input.idnumber && state.courses.some((course) => course.idnumber === input.idnumber)) {
          throw moodleException('courseidnumbertaken', `ID number is already used for another course (${input.idnumber})`);
        }
        const course = insertCourse(state, input);
        return { id: course.id, shortname: course.shortname };
      }),
    );
  },
};

const modulePlurals: Record<string, string> = { attendance: 'Attendance', assign: 'Assignments', quiz: 'Quizzes', forum: 'Forums', page: 'Pages' };

/** `core_course_get_contents`: one "General" section holding every module (enough to find attendance instances). */
export const getCourseContents: WsFunction = {
  name: 'core_course_get_contents',
  version: '2022112810',
  parameters: { courseid: value('int'), options: multiple(single({ name: value('alpha'), value: value('raw') }), optional) },
  execute(args, context) {
    const { courseid } = z.object({ courseid: z.number() }).parse(args);
    findCourse(context.state, courseid);
    const modules = context.state.modules.filter((module) => module.courseid === courseid);
    const sections = [...new Set([0, ...modules.map((module) => module.section)])].sort((a, b) => a - b);
    return sections.map((section) => ({
      id: courseid * 100 + section,
      name: section === 0 ? 'General' : `Topic ${section}`,
      visible: 1,
      summary: '',
      summaryformat: 1,
      section,
      hiddenbynumsections: 0,
      uservisible: true,
      modules: modules
        .filter((module) => module.section === section)
        .map((module) => ({
          id: module.id,
          url: `${context.siteUrl}/mod/${module.modname}/view.php?id=${module.id}`,
          name: module.name,
          instance: module.instance,
          contextid: module.id + 1000,
          visible: module.visible,
          uservisible: true,
          visibleoncoursepage: 1,
          modicon: `${context.siteUrl}/theme/image.php/boost/${module.modname}/1795562008/monologo`,
          modname: module.modname,
          modplural: modulePlurals[module.modname] ?? module.modname,
          indent: 0,
          onclick: '',
          afterlink: null,
          customdata: '""',
          noviewlink: false,
          completion: 0,
          downloadcontent: 1,
          dates: [],
        })),
    }));
  },
};

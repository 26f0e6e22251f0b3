import { z } from 'zod';
import { MoodleException, invalidRecord, moodleException } from '../exceptions';
import { multiple, optional, single, value, withDefault } from '../parameters';
import { nextId, type CourseRecord, type MoodleState } from '../state';
import { categorySortorder } from '../categories';
import { insertCourse } from './courses';
import { requireCapability, type FunctionContext, type WsFunction } from './function';

/**
 * `core_course_update_courses` and `core_course_duplicate_course` (course/externallib.php),
 * as captures 171–189 show them; the capability order and the option checks follow the source.
 */

const optionalInt = value('int', optional);
const updatable = z.object({
  id: z.number(),
  fullname: z.string().optional(),
  shortname: z.string().optional(),
  categoryid: z.number().optional(),
  idnumber: z.string().optional(),
  summary: z.string().optional(),
  format: z.string().optional(),
  showgrades: z.number().optional(),
  newsitems: z.number().optional(),
  startdate: z.number().optional(),
  enddate: z.number().optional(),
  visible: z.number().optional(),
  enablecompletion: z.number().optional(),
});
type CourseUpdate = z.infer<typeof updatable>;

/** The per-field capabilities `update_courses` checks before `update_course()`, only for fields that change. */
function checkUpdateCapabilities(context: FunctionContext, course: CourseRecord, input: CourseUpdate) {
  requireCapability(context, 'moodle/course:update', 'Update course settings');
  if (input.categoryid !== undefined && input.categoryid !== course.category) requireCapability(context, 'moodle/course:changecategory', 'Change course category');
  for (const [field, capability, label] of [
    ['fullname', 'moodle/course:changefullname', 'Change course full name'],
    ['shortname', 'moodle/course:changeshortname', 'Change course short name'],
  ] as const) {
    const wanted = input[field];
    if (wanted === undefined || wanted === course[field]) continue;
    requireCapability(context, capability, label);
    if (wanted.trim() === '') throw moodleException('errorinvalidparam', `Invalid parameter "${field}"`);
  }
  if (input.idnumber !== undefined && input.idnumber !== course.idnumber) requireCapability(context, 'moodle/course:changeidnumber', 'Change course ID number');
  if (input.summary !== undefined && input.summary !== course.summary) requireCapability(context, 'moodle/course:changesummary', 'Change course summary');
  if (input.visible !== undefined && input.visible !== course.visible) requireCapability(context, 'moodle/course:visibility', 'Hide/show courses');
}

/** `update_course()` (course/lib.php): uniqueness first, then the record, then the context move. */
function updateCourse(state: MoodleState, course: CourseRecord, input: CourseUpdate) {
  if (input.shortname && state.courses.some((other) => other.shortname === input.shortname && other.id !== course.id)) {
    throw moodleException('shortnametaken', `Short name is already used for another course (${input.shortname})`);
  }
  if (input.idnumber && state.courses.some((other) => other.idnumber === input.idnumber && other.id !== course.id)) {
    throw moodleException('courseidnumbertaken', `ID number is already used for another course (${input.idnumber})`);
  }
  const { id: _id, categoryid, ...fields } = input;
  for (const [key, fieldValue] of Object.entries(fields)) if (fieldValue !== undefined) Object.assign(course, { [key]: fieldValue });
  course.timemodified = state.now();
  if (categoryid === undefined || categoryid === course.category) return;
  const target = state.categories.get(categoryid);
  // Moodle writes the row before it looks the category up: a missing one leaves the course in it,
  // hidden, and only then fails (capture 173; 291 shows the damage).
  course.category = categoryid;
  course.visible = target ? (target.visible ? course.visible : 0) : 0;
  if (!target) throw invalidRecord('course_categories', 'SELECT * FROM {course_categories} WHERE id = ?', [categoryid]);
  // First in its new category, as a new course is (172 → 291: 60001 in category 5 at 60000).
  for (const other of state.courses) if (other.category === categoryid && other.id !== course.id) other.sortorder += 1;
  course.sortorder = categorySortorder(state, categoryid) + 1;
}

export const updateCourses: WsFunction = {
  name: 'core_course_update_courses',
  version: '2022112810',
  parameters: {
    courses: multiple(
      single({
        id: value('int'),
        fullname: value('text', optional),
        shortname: value('text', optional),
        categoryid: optionalInt,
        idnumber: value('raw', optional),
        summary: value('raw', optional),
        summaryformat: optionalInt,
        format: value('plugin', optional),
        showgrades: optionalInt,
        newsitems: optionalInt,
        startdate: optionalInt,
        enddate: optionalInt,
        numsections: optionalInt,
        maxbytes: optionalInt,
        showreports: optionalInt,
        visible: optionalInt,
        hiddensections: optionalInt,
        groupmode: optionalInt,
        groupmodeforce: optionalInt,
        defaultgroupingid: optionalInt,
        enablecompletion: optionalInt,
        completionnotify: optionalInt,
        lang: value('safedir', optional),
        forcetheme: value('plugin', optional),
        courseformatoptions: multiple(single({ name: value('alphanumext'), value: value('raw') }), optional),
        customfields: multiple(single({ shortname: value('alphanumext'), value: value('raw') }), optional),
      }),
    ),
  },
  execute(args, context) {
    const { courses } = z.object({ courses: z.array(updatable.passthrough()) }).parse(args);
    const { state } = context;
    const warnings: { item: string; itemid: number; warningcode: string; message: string }[] = [];
    // No transaction: each course's failure becomes a warning and the others are still applied (177).
    for (const input of courses) {
      try {
        const course = state.courses.find((candidate) => candidate.id === input.id);
        if (!course) throw invalidRecord('course', 'SELECT * FROM {course} WHERE id = ?', [input.id]);
        checkUpdateCapabilities(context, course, input);
        updateCourse(state, course, updatable.parse(input));
      } catch (error) {
        if (!(error instanceof MoodleException)) throw error;
        warnings.push({ item: 'course', itemid: input.id, warningcode: error.errorcode ?? '', message: error.message });
      }
    }
    return { warnings };
  },
};

/** Backup settings `duplicate_course` accepts, with their defaults. */
const backupDefaults: Record<string, number> = { activities: 1, blocks: 1, filters: 1, users: 0, enrolments: 1, role_assignments: 0, comments: 0, userscompletion: 0, logs: 0, grade_histories: 0 };

export const duplicateCourse: WsFunction = {
  name: 'core_course_duplicate_course',
  version: '2022112810',
  parameters: {
    courseid: value('int'),
    fullname: value('text'),
    shortname: value('text'),
    categoryid: value('int'),
    visible: value('int', withDefault(1)),
    // PARAM_ALPHAEXT in Moodle; the sandbox's closest cleaner also admits digits.
    options: multiple(single({ name: value('alphanumext'), value: value('raw') }), optional),
  },
  execute(args, context) {
    const { courseid, fullname, shortname, categoryid, visible, options = [] } = z
      .object({ courseid: z.number(), fullname: z.string(), shortname: z.string(), categoryid: z.number(), visible: z.number(), options: z.array(z.object({ name: z.string(), value: z.string() })).optional() })
      .parse(args);
    const { state } = context;
    const source = state.courses.find((course) => course.id === courseid);
    if (!source) throw moodleException('invalidcourseid', 'You are trying to use an invalid course ID');
    if (!state.categories.has(categoryid)) throw invalidRecord('course_categories', 'SELECT id,parent FROM {course_categories} WHERE id = ?', [categoryid]);
    const settings = new Map<string, number>();
    for (const option of options) {
      const parsed = /^-?\d+$/.test(option.value.trim()) ? Number(option.value) : Number.parseInt(option.value, 10) || 0;
      if ((parsed !== 0 && parsed !== 1) || !(option.name in backupDefaults)) throw moodleException('invalidextparam', `Invalid external api parameter: ${option.name}`);
      settings.set(option.name, parsed);
    }
    requireCapability(context, 'moodle/course:create', 'Create courses');
    requireCapability(context, 'moodle/restore:restorecourse', 'Restore courses');
    requireCapability(context, 'moodle/backup:backupcourse', 'Backup courses');
    if (settings.get('users')) {
      requireCapability(context, 'moodle/backup:userinfo', 'Backup user data');
      requireCapability(context, 'moodle/restore:userinfo', 'Restore user data');
    }
    const taken = state.courses.filter((course) => course.shortname === shortname);
    // The message names the existing courses' full names, comma-joined (captures 182, 188).
    if (taken.length > 0) throw moodleException('shortnametaken', `Short name is already used for another course (${taken.map((course) => course.fullname).join(',')})`);
    // Setting any backup option needs backup:configure; the backup controller refuses it (186).
    if (settings.size > 0 && !context.hasCapability('moodle/backup:configure')) {
      throw new MoodleException('base_setting_exception', 'setting_locked_by_permission', 'error/setting_locked_by_permission');
    }
    return copyCourse(state, source, { fullname, shortname, categoryid, visible, activities: settings.get('activities') ?? 1 });
  },
};

/**
 * What backup + restore into a new course keeps (189): format, dates, summary and completion
 * settings; not the idnumber; sortorder 0 until Moodle next fixes sort orders. With users=0 no
 * enrolments or groups come along; activities come unless `activities=0`.
 */
function copyCourse(state: MoodleState, source: CourseRecord, target: { fullname: string; shortname: string; categoryid: number; visible: number; activities: number }) {
  const copy = insertCourse(state, { ...source, fullname: target.fullname, shortname: target.shortname, idnumber: '', categoryid: target.categoryid, visible: target.visible });
  for (const course of state.courses) if (course.category === target.categoryid && course.id !== copy.id) course.sortorder -= 1;
  Object.assign(copy, { sortorder: 0, timecreated: source.timecreated, summary: source.summary });
  if (target.activities) {
    // The restored news forum is the source's: the one a new course gets is not made twice.
    state.modules = state.modules.filter((module) => module.courseid !== copy.id);
    const cmids = new Map<number, number>();
    for (const module of state.modules.filter((candidate) => candidate.courseid === source.id)) {
      const id = nextId(state, 'course_modules');
      cmids.set(module.id, id);
      state.modules.push({ ...module, id, courseid: copy.id });
    }
    // Completion criteria travel with the activities they name (backup's completion data; from Moodle's source).
    const criteria = (state.activityCriteria.get(source.id) ?? []).flatMap((criterion) => (cmids.has(criterion.cmid) ? [{ cmid: cmids.get(criterion.cmid) ?? 0 }] : []));
    if (criteria.length > 0) state.activityCriteria.set(copy.id, criteria);
  }
  return { id: copy.id, shortname: copy.shortname };
}

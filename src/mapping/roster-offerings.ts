import type { RosterPlaceholder, RosterSettings } from '../config/roster-settings';

/**
 * ERPNext's term roster → the Moodle courses, categories and groups it should produce. Pure and
 * workflow-safe: the ERPNext reads happen in activities, the decisions here.
 */

export interface RosterTerm {
  name: string;
  termName: string;
  year: string;
}

export interface RosterStudentGroup {
  name: string;
  basedOn: string;
  term: string;
  program?: string;
  course?: string;
  /** Active students only: an inactive row is someone who left the group. */
  students: string[];
  instructors: string[];
}

export interface RosterSchedule {
  studentGroup: string;
  course: string;
  instructor: string;
}

export interface RosterInput {
  terms: RosterTerm[];
  groups: RosterStudentGroup[];
  schedules: RosterSchedule[];
  /** ERPNext Course name → its course_name and department. */
  courses: Record<string, { courseName: string; department?: string }>;
  /** ERPNext Program name → its Course names. */
  programCourses: Record<string, string[]>;
}

export interface CategoryLevel {
  /** `term:<Academic Term>`, `program:<Program>`, `department:<Department>`, each under its parent's: `term:2026-27 (Autumn)/program:BSc Nursing`. */
  idnumber: string;
  name: string;
}

export interface OfferingGroup {
  /** Moodle group idnumber and name: the Student Group's name. */
  name: string;
  students: string[];
  instructors: string[];
}

export interface Offering {
  /** Moodle course idnumber (`roster.courseKey`): the stable key the workflow id `course:<key>` carries. */
  key: string;
  shortname: string;
  fullname: string;
  course: string;
  term: string;
  /** Outermost first; empty for a flat tree. */
  categories: CategoryLevel[];
  groups: OfferingGroup[];
  /** Instructors of the course's groups (and its Course Schedules), each once. */
  teachers: string[];
}

/** Fills `{placeholder}`s; a value ERPNext leaves empty (a course without department) becomes ''. */
export function renderTemplate(template: string, values: Partial<Record<RosterPlaceholder, string>>): string {
  return template.replace(/\{([^{}]*)\}/g, (_, name: RosterPlaceholder) => values[name] ?? '').replace(/\s+/g, ' ').trim();
}

type Settings = Pick<RosterSettings, 'categories' | 'offerings' | 'courseKey' | 'shortname' | 'fullname' | 'batchGroups'>;

function categoryLevels(settings: Settings, term: RosterTerm, program: string | undefined, department: string | undefined): CategoryLevel[] {
  const levels: CategoryLevel[] = [];
  let parent = '';
  for (const level of settings.categories) {
    const name = level === 'term' ? `${term.termName} ${term.year}` : level === 'program' ? program : department;
    const key = level === 'term' ? term.name : level === 'program' ? program : department;
    // A course with no program (or department) skips that level rather than inventing a category.
    if (!name || !key) continue;
    parent = `${parent}${parent ? '/' : ''}${level}:${key}`;
    levels.push({ idnumber: parent, name });
  }
  return levels;
}

const unique = (values: string[]) => [...new Set(values)];

/**
 * One offering per (Course, Academic Term) that a course-based Student Group or a Course Schedule
 * puts in the term (`roster.offerings`), in ERPNext name order so runs are reproducible. Batch
 * groups join the offerings of their Program's courses in the same term (`roster.batchGroups`).
 */
export function planOfferings(input: RosterInput, settings: Settings): Offering[] {
  const terms = new Map(input.terms.map((term) => [term.name, term]));
  const groupsByName = new Map(input.groups.map((group) => [group.name, group]));
  const offerings = new Map<string, { course: string; term: string; program?: string; groups: Set<string>; scheduleTeachers: string[] }>();
  const offer = (course: string, term: string, program: string | undefined) => {
    const id = `${term}\u0000${course}`;
    let offering = offerings.get(id);
    if (!offering) offerings.set(id, (offering = { course, term, program, groups: new Set(), scheduleTeachers: [] }));
    offering.program ??= program;
    return offering;
  };

  if (settings.offerings.includes('student-group')) {
    for (const group of input.groups) if (group.basedOn === 'Course' && group.course) offer(group.course, group.term, group.program).groups.add(group.name);
  }
  if (settings.offerings.includes('course-schedule')) {
    for (const schedule of input.schedules) {
      const group = groupsByName.get(schedule.studentGroup);
      if (!group) continue;
      const offering = offer(schedule.course, group.term, group.program);
      offering.groups.add(group.name);
      offering.scheduleTeachers.push(schedule.instructor);
    }
  }
  if (settings.batchGroups === 'program-courses') {
    for (const group of input.groups) {
      if (group.basedOn !== 'Batch' || !group.program) continue;
      for (const course of input.programCourses[group.program] ?? []) offerings.get(`${group.term}\u0000${course}`)?.groups.add(group.name);
    }
  }

  const result: Offering[] = [];
  for (const offering of offerings.values()) {
    const term = terms.get(offering.term);
    if (!term) continue;
    const course = input.courses[offering.course];
    const values = { course: offering.course, courseName: course?.courseName ?? offering.course, term: term.name, termName: term.termName, year: term.year, program: offering.program, department: course?.department };
    const groups = [...offering.groups].sort().map((name) => groupsByName.get(name)!).map((group) => ({ name: group.name, students: group.students, instructors: group.instructors }));
    result.push({
      key: renderTemplate(settings.courseKey, values),
      shortname: renderTemplate(settings.shortname, values),
      fullname: renderTemplate(settings.fullname, values),
      course: offering.course,
      term: offering.term,
      categories: categoryLevels(settings, term, offering.program, course?.department),
      groups,
      teachers: unique([...groups.flatMap((group) => group.instructors), ...offering.scheduleTeachers]).sort(),
    });
  }
  return result.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Additions and removals that bring `current` to `desired`, each sorted. */
export function setDifference<T extends string | number>(desired: readonly T[], current: readonly T[]): { add: T[]; remove: T[] } {
  const want = new Set(desired);
  const have = new Set(current);
  return { add: [...want].filter((item) => !have.has(item)).sort(), remove: [...have].filter((item) => !want.has(item)).sort() };
}

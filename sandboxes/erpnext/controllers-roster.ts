import { frappeThrow, validationError } from './frappe-errors';
import type { Controller, Site } from './site';
import { type Doc, str } from './store';

/**
 * Education's controllers for Instructor, Course Schedule and Guardian. Where a rule is not visible
 * in the captures it follows education's source (education/education/doctype/course_schedule/
 * course_schedule.py, education/education/utils.py `validate_overlap_for`, guardian.py), as noted.
 */

/** Education Settings `instructor_created_by` (Full Name, Naming Series or Employee Number); the captured site uses Full Name (179, 180). */
function instructorNamingRule(site: Site): string {
  if (!site.meta.has('Education Settings') || !site.meta.field('Education Settings', 'instructor_created_by')) return 'Full Name';
  return str(site.store.get('Education Settings', 'Education Settings')?.instructor_created_by) || 'Full Name';
}

const instructor: Controller = {
  autoname(doc, site) {
    const rule = instructorNamingRule(site);
    if (rule === 'Employee Number') return str(doc.employee) || frappeThrow('ValidationError', 'Please select Employee');
    // Source: instructor.py `autoname` names by the series when the setting says Naming Series.
    if (rule === 'Naming Series') return nextInstructorNumber(site, doc);
    return str(doc.instructor_name).trim();
  },
};

function nextInstructorNumber(site: Site, doc: Doc): string {
  const prefix = str(doc.naming_series || 'EDU-INS-.YYYY.-').replace('.YYYY.', site.clock.today().slice(0, 4));
  return `${prefix}${String(site.store.nextSeries(prefix)).padStart(5, '0')}`;
}

/**
 * `set_hex_color` maps the schedule colour to a hex. Blue is "#EDF6FD" on the captured site (200);
 * the others are not captured and follow education's source, whose own blue ("#449CF0") is older.
 */
const scheduleColours: Record<string, string> = {
  blue: '#EDF6FD', green: '#29CD42', orange: '#EC864B', yellow: '#ECAD4B', purple: '#761ACB', pink: '#ED6396', olive: '#B4CD29',
};

/** `get_overlap_for`: a non-cancelled document of `doctype` on the same date and value whose times overlap. */
function overlapping(site: Site, doc: Doc, doctype: string, fieldname: string, value: unknown): Doc | undefined {
  if (!site.meta.field(doctype, fieldname)) return undefined;
  const [from, to] = [str(doc.from_time), str(doc.to_time)];
  return site.rows(doctype).find((other) => {
    if (other.name === doc.name || other.docstatus === 2 || str(other[fieldname]) !== str(value) || other.schedule_date !== doc.schedule_date) return false;
    const [f2, t2] = [str(other.from_time), str(other.to_time)];
    return (f2 > from && f2 < to) || (t2 > from && t2 < to) || (from > f2 && from < t2) || (from === f2 && to === t2);
  });
}

/** `validate_overlap_for`: "This <doctype> conflicts with <name> for <label> <value>" (201). */
function checkOverlap(site: Site, doc: Doc, doctype: string, fieldname: string, value?: string) {
  const existing = overlapping(site, doc, doctype, fieldname, value ?? doc[fieldname]);
  if (!existing) return;
  const label = value ? fieldname : (site.meta.field('Course Schedule', fieldname)?.label ?? fieldname);
  frappeThrow('OverlapError', `This Course Schedule conflicts with ${str(existing.name)} for ${label} ${value ?? str(doc[fieldname])}`);
}

const courseSchedule: Controller = {
  validate(doc, site) {
    doc.instructor_name = site.store.get('Instructor', str(doc.instructor))?.instructor_name ?? null;
    doc.title = `${str(doc.course)} by ${str(doc.instructor_name) || str(doc.instructor)}`;
    const group = site.store.get('Student Group', str(doc.student_group));
    if (group?.group_based_on === 'Course') doc.course = group.course;
    const term = str(group?.academic_term) ? site.store.get('Academic Term', str(group?.academic_term)) : undefined;
    const year = str(group?.academic_year) ? site.store.get('Academic Year', str(group?.academic_year)) : undefined;
    const date = str(doc.schedule_date);
    if (term) {
      if (str(term.term_start_date) && str(term.term_end_date) && (date < str(term.term_start_date) || date > str(term.term_end_date))) {
        validationError(`Schedule date selected does not lie within the Academic Term of the Student Group ${str(doc.student_group)}.`);
      }
    } else if (year && (date < str(year.year_start_date) || date > str(year.year_end_date))) {
      validationError(`Schedule date selected does not lie within the Academic Year of the Student Group ${str(doc.student_group)}.`);
    }
    if (str(doc.from_time) > str(doc.to_time)) validationError('From Time cannot be greater than To Time.');
    // Source order: course schedules by group, instructor, room; then assessment plans by group, room, supervisor.
    if (str(doc.student_group)) checkOverlap(site, doc, 'Course Schedule', 'student_group');
    checkOverlap(site, doc, 'Course Schedule', 'instructor');
    checkOverlap(site, doc, 'Course Schedule', 'room');
    if (str(doc.student_group)) checkOverlap(site, doc, 'Assessment Plan', 'student_group');
    checkOverlap(site, doc, 'Assessment Plan', 'room');
    checkOverlap(site, doc, 'Assessment Plan', 'supervisor', str(doc.instructor));
    // before_save `set_hex_color`.
    doc.color = scheduleColours[str(doc.class_schedule_color)] ?? null;
  },
};

const guardian: Controller = {
  // guardian.py: `students` is loaded from Student Guardian rows on read and cleared on save, so the
  // rows a request sends are dropped (224).
  validate(doc) {
    doc.students = [];
  },
};

export const rosterControllers: Record<string, Controller> = {
  Instructor: instructor,
  'Course Schedule': courseSchedule,
  Guardian: guardian,
};

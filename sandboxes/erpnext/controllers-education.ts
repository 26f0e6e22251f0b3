import { FrappeException, bold, frappeThrow, pythonCrash, validationError } from './frappe-errors';
import { makeFeeRecords } from './controllers-fees';
import type { Controller, Site } from './site';
import { type ChildRow, type Doc, str } from './store';
import { singleValue } from './singles';

/**
 * Education's server-side rules and side effects (education v15.5 controllers, as summarised in
 * docs/erpnext-protocol.md §6), for the DocTypes the bridge reads and writes.
 */
const rows = (doc: Doc, table: string) => (doc[table] as ChildRow[] | undefined) ?? [];
/** `get_link_to_form`: an absolute link (`get_url`), the name URL-quoted (217, 219). */
const absoluteFormLink = (site: Site, doctype: string, name: string) => `<a href="${site.url}/app/${doctype.toLowerCase().replace(/ /g, '-')}/${encodeURIComponent(name)}">${name}</a>`;
/** `frappe.throw(message, title=…)`. */
const titledError = (message: string, title: string): never => {
  throw new FrappeException('ValidationError', 417, [message], undefined, { title });
};

/** Active students of a Student Group (`get_student_group_students`). */
function activeGroupStudents(site: Site, group: string): string[] {
  if (!site.exists('Student Group', group)) return [];
  return rows(site.getDoc('Student Group', group), 'students')
    .filter((r) => Number(r.active) === 1)
    .map((r) => str(r.student));
}

/** The highest interval whose threshold is at most the percentage (`get_grade`). */
function gradeFor(site: Site, scale: string, percentage: number): string | null {
  const intervals = rows(site.getDoc('Grading Scale', scale), 'intervals').sort((a, b) => Number(b.threshold) - Number(a.threshold));
  return str(intervals.find((i) => Number(i.threshold) <= percentage)?.grade_code) || null;
}

const student: Controller = {
  validate(doc, site, action) {
    doc.student_name = [doc.first_name, doc.middle_name, doc.last_name].filter((p) => str(p) !== '').join(' ');
    const dob = str(doc.date_of_birth);
    if (dob && dob >= site.clock.today()) validationError('Date of Birth cannot be greater than today.');
    if (dob && dob >= str(doc.joining_date)) validationError('Date of Birth cannot be greater than Joining Date.');
    if (str(doc.joining_date) && str(doc.date_of_leaving) && str(doc.joining_date) > str(doc.date_of_leaving)) validationError('Joining Date can not be greater than Leaving Date');
    const email = str(doc.student_email_id);
    // Frappe's validate_email_address (125).
    if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) frappeThrow('InvalidEmailAddressError', `${email} is not a valid Email Address`);
    // Education Settings `user_creation_skip` off (the default): a Website User per new email, on
    // any save (142 makes the User 130 skipped); on: none (130, 131).
    if (Number(singleValue(site, 'Education Settings', 'user_creation_skip'))) return;
    // Without an email the User insert crashes in `User.autoname` (`self.email.strip()`) before the
    // mandatory check can run: a 500, not a MandatoryError (121).
    if (!email && action === 'insert') pythonCrash('AttributeError', "'NoneType' object has no attribute 'strip'");
    if (email && !site.exists('User', email)) {
      const user = site.insert('User', { email, first_name: doc.first_name, last_name: doc.last_name, gender: doc.gender, user_type: 'Website User', send_welcome_email: 1, roles: [{ role: 'Student' }] });
      doc.user = user.name;
    }
  },
  /**
   * `set_missing_customer_details`: the Customer is created and linked with db.set_value, so the
   * insert response and insert webhook never show it; later saves rename the linked Customer.
   */
  onUpdate(doc, site) {
    if (!str(doc.customer_group)) {
      doc.customer_group = 'Student';
      site.dbSetValue('Student', str(doc.name), { customer_group: 'Student' });
    }
    if (str(doc.customer)) {
      site.save('Customer', str(doc.customer), { customer_group: doc.customer_group, customer_name: doc.student_name });
      site.msgprint(`Customer ${str(doc.customer)} updated`, { alert: true });
      return;
    }
    const customer = site.insert('Customer', { customer_name: doc.student_name, customer_type: 'Individual', customer_group: doc.customer_group });
    site.dbSetValue('Student', str(doc.name), { customer: customer.name });
    site.msgprint(`Customer ${str(customer.name)} created and linked to Student`, { alert: true });
  },
};

const academicTerm: Controller = {
  autoname: (doc) => `${str(doc.academic_year)} (${str(doc.term_name)})`,
  validate(doc) {
    doc.title = `${str(doc.academic_year)} (${str(doc.term_name)})`;
    if (str(doc.term_start_date) && str(doc.term_end_date) && str(doc.term_start_date) > str(doc.term_end_date)) {
      validationError('The Term End Date cannot be earlier than the Term Start Date. Please correct the dates and try again.');
    }
  },
};

const programEnrollment: Controller = {
  validate(doc, site) {
    const duplicate = site
      .all('Program Enrollment')
      .find((pe) => pe.name !== doc.name && pe.docstatus !== 2 && pe.student === doc.student && pe.program === doc.program && pe.academic_year === doc.academic_year && str(pe.academic_term) === str(doc.academic_term));
    if (duplicate) validationError('Student is already enrolled.');
    // Filled after link validation, so these rows never get their fetched course_name.
    if (rows(doc, 'courses').length === 0 && str(doc.program) && site.exists('Program', str(doc.program))) {
      doc.courses = rows(site.getDoc('Program', str(doc.program)), 'courses')
        .filter((c) => Number(c.required) === 1)
        .map((c) => ({ course: c.course }));
    }
  },
  onSubmit(doc, site) {
    // Education takes the earliest enrollment date of all the student's enrollments, cancelled ones too.
    const dates = site.rows('Program Enrollment').filter((pe) => pe.student === doc.student).map((pe) => str(pe.enrollment_date));
    site.dbSetValue('Student', str(doc.student), { joining_date: dates.sort()[0] });
    makeFeeRecords(doc, site);
    for (const row of rows(doc, 'courses')) {
      const existing = site.rows('Course Enrollment').find((ce) => ce.student === doc.student && ce.course === row.course && ce.program_enrollment === doc.name);
      if (!existing) site.insert('Course Enrollment', { student: doc.student, course: row.course, program_enrollment: doc.name, enrollment_date: doc.enrollment_date });
    }
  },
  onCancel(doc, site) {
    for (const ce of site.rows('Course Enrollment').filter((x) => x.program_enrollment === doc.name)) site.delete('Course Enrollment', str(ce.name));
  },
};

const courseEnrollment: Controller = {
  validate(doc, site) {
    const duplicate = site.rows('Course Enrollment').find((ce) => ce.name !== doc.name && ce.student === doc.student && ce.course === doc.course && ce.program_enrollment === doc.program_enrollment);
    // get_link_to_form: an absolute link, under the title "Duplicate Entry" (176).
    if (duplicate) titledError(`Student is already enrolled via Course Enrollment ${absoluteFormLink(site, 'Course Enrollment', str(duplicate.name))}`, 'Duplicate Entry');
  },
};

const studentGroup: Controller = {
  validate(doc, site) {
    if (doc.group_based_on === 'Course' && !str(doc.course)) validationError('Please select Course');
    const students = rows(doc, 'students');
    if (Number(doc.max_strength) > 0 && students.length > Number(doc.max_strength)) validationError(`Cannot enroll more than ${String(doc.max_strength)} students for this student group.`);
    const seen = new Map<string, number>();
    let roll = Math.max(0, ...students.map((s) => Number(s.group_roll_number) || 0));
    for (const s of students) {
      const first = seen.get(str(s.student));
      if (first !== undefined) validationError(`Student ${str(s.student)} - ${str(s.student_name)} appears Multiple times in row ${first} & ${String(s.idx)}`);
      seen.set(str(s.student), Number(s.idx));
      if (!Number(s.group_roll_number)) s.group_roll_number = ++roll;
      if (Number(s.active) === 1 && !Number(doc.disabled) && site.exists('Student', str(s.student)) && Number(site.getDoc('Student', str(s.student)).enabled) === 0) {
        validationError(`${String(s.group_roll_number)} - ${str(s.student_name)} is inactive student`);
      }
    }
  },
};

const gradingScale: Controller = {
  validate(doc) {
    const thresholds = rows(doc, 'intervals').map((i) => Number(i.threshold));
    const repeated = thresholds.find((t, i) => thresholds.indexOf(t) !== i);
    if (repeated !== undefined) validationError(`Treshold ${repeated}% appears more than once`);
    if (thresholds.length > 0 && !thresholds.includes(0)) validationError('Please define grade for Threshold 0%');
  },
};

const assessmentPlan: Controller = {
  validate(doc) {
    const total = rows(doc, 'assessment_criteria').reduce((sum, c) => sum + Number(c.maximum_score), 0);
    if (rows(doc, 'assessment_criteria').length > 0 && total !== Number(doc.maximum_assessment_score)) {
      validationError(`Sum of Scores of Assessment Criteria needs to be ${String(doc.maximum_assessment_score)}.`);
    }
    if (str(doc.from_time) && str(doc.to_time) && str(doc.from_time) >= str(doc.to_time)) validationError('From Time cannot be greater than To Time');
  },
};

const assessmentResult: Controller = {
  validate(doc, site) {
    const group = str(doc.student_group);
    if (!activeGroupStudents(site, group).includes(str(doc.student))) {
      frappeThrow('StudentNotInGroupError', `Student ${bold(doc.student)} does not belong to group ${bold(group || 'None')}`);
    }
    const plan = site.getDoc('Assessment Plan', str(doc.assessment_plan));
    const maxima = new Map(rows(plan, 'assessment_criteria').map((c) => [str(c.assessment_criteria), Number(c.maximum_score)]));
    for (const d of rows(doc, 'details')) {
      const maximum = maxima.get(str(d.assessment_criteria));
      // Education compares against None here and crashes: a criterion outside the plan is a 500.
      if (maximum === undefined) frappeThrow('TypeError', "'>' not supported between instances of 'float' and 'NoneType'");
      d.maximum_score = maximum;
      if (Number(d.score) > maximum) validationError('Score cannot be greater than Maximum Score');
    }
    let total = 0;
    for (const d of rows(doc, 'details')) {
      d.grade = gradeFor(site, str(doc.grading_scale), (Number(d.score) / Number(d.maximum_score)) * 100);
      total += Number(d.score);
    }
    doc.total_score = total;
    doc.grade = gradeFor(site, str(doc.grading_scale), (total / Number(doc.maximum_score)) * 100);
    const duplicate = site.rows('Assessment Result').find((r) => r.name !== doc.name && r.docstatus !== 2 && r.student === doc.student && r.assessment_plan === doc.assessment_plan);
    // assessment_result.py writes this link by hand, in the old /app/Form/ shape (208).
    if (duplicate) validationError(`Assessment Result record <a href="/app/Form/Assessment Result/${str(duplicate.name)}">${str(duplicate.name)}</a> already exists.`);
  },
};

/** The default Company's Holiday List (`get_holiday_list`): a crash without a Company, a 417 without a list. */
function holidayListOf(site: Site): string {
  const [company] = site.all('Company');
  if (!company) frappeThrow('IndexError', 'list index out of range');
  const list = str(company.default_holiday_list);
  if (!list) validationError(`Please set a default Holiday List for Company ${bold(company.name)}`);
  return list;
}

const studentAttendance: Controller = {
  validate(doc, site) {
    if (!str(doc.student_group) && !str(doc.course_schedule)) titledError(`${bold('Student Group')} or ${bold('Course Schedule')} is mandatory`, 'Mandatory Fields');
    // `set_date`/`set_student_group`: an attendance by Course Schedule takes its date and group (223).
    const schedule = str(doc.course_schedule) ? site.store.get('Course Schedule', str(doc.course_schedule)) : undefined;
    if (schedule) Object.assign(doc, { date: schedule.schedule_date, student_group: schedule.student_group });
    const group = str(doc.student_group);
    if (group && !activeGroupStudents(site, group).includes(str(doc.student))) {
      validationError(`Student ${bold(doc.student)}: ${str(doc.student_name)} does not belong to Student Group ${bold(absoluteFormLink(site, 'Student Group', group))}`);
    }
    const duplicate = site
      .rows('Student Attendance')
      .find((a) => a.name !== doc.name && a.docstatus !== 2 && a.student === doc.student && (str(doc.course_schedule) ? a.course_schedule === doc.course_schedule : a.student_group === doc.student_group && a.date === doc.date));
    if (duplicate) titledError(`Student Attendance record ${absoluteFormLink(site, 'Student Attendance', str(duplicate.name))} already exists against the Student ${bold(doc.student)}`, 'Duplicate Entry');
    const holidays = rows(site.getDoc('Holiday List', holidayListOf(site)), 'holidays');
    if (holidays.some((h) => h.holiday_date === doc.date)) validationError(`Attendance cannot be marked for ${bold(str(doc.date))} as it is a holiday.`);
  },
};

export const educationControllers: Record<string, Controller> = {
  Student: student,
  'Academic Term': academicTerm,
  'Program Enrollment': programEnrollment,
  'Course Enrollment': courseEnrollment,
  'Student Group': studentGroup,
  'Grading Scale': gradingScale,
  'Assessment Plan': assessmentPlan,
  'Assessment Result': assessmentResult,
  'Student Attendance': studentAttendance,
};

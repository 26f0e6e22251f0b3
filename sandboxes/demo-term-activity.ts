import { demoAcademicTerm, demoAssessmentCriteria, demoAssessmentGroup, demoCompany, demoGradingScale, demoPaidElective, demoPrograms, demoStudentGroups, demoStudents, courseOf, programOf } from './demo-data';
import { accountsMethods } from './erpnext/methods-accounts';
import type { Site } from './erpnext/site';
import { str } from './erpnext/store';
import { addGradedModule, courseGradeMax, courseTotalItem, finalGrade, setGrade } from './moodle/gradebook';
import { newUser, nextId, type MoodleState } from './moodle/state';

/**
 * A term of activity on top of the demo institution (demo-data.ts), so reports and their charts
 * have something to show: what Campus Bridge and the staff would have produced by early December.
 * Both sandboxes' in-memory states are written directly (not through either protocol), the way
 * the seeds are, and deterministically:
 *
 * - Moodle: an account (idnumber = Student) and program-course enrolments for every enrolled
 *   Student onboarding would have created, a last access spread over the last weeks (some never,
 *   some over a month ago), coursework and exam grades (some low, some exams not yet sat),
 *   completions for those who passed both, and seats in the paid elective.
 * - ERPNext: the grades synced as Assessment Results (every fifth student's not yet: the report
 *   shows Moodle's live total for those), weekly Student Attendance per course group, the
 *   elective's invoices (paid, partly paid, overdue, one credited for a withdrawal) and a previous
 *   term (2025-26 Spring) of results, attendance and paid electives for the trends.
 */

/** The demo's "today": mid-December of the Autumn term. Reports on this data use it as their clock. */
export const demoTermNow = new Date('2026-12-04T12:00:00Z');

export const demoPreviousYear = { name: '2025-26', yearStartDate: '2025-09-01', yearEndDate: '2026-06-30' } as const;
export const demoPreviousTerm = { name: '2025-26 (Spring)', termName: 'Spring', academicYear: demoPreviousYear.name, termStartDate: '2026-01-12', termEndDate: '2026-04-24' } as const;

/** Students (by demo index) who took the paid elective this term, and what became of their invoice. */
export const demoElectiveSeats: readonly { index: number; invoice: 'paid' | 'partly-paid' | 'unpaid' | 'credited' }[] = [
  { index: 1, invoice: 'paid' },
  { index: 4, invoice: 'paid' },
  { index: 7, invoice: 'partly-paid' },
  { index: 13, invoice: 'paid' },
  { index: 16, invoice: 'unpaid' },
  { index: 20, invoice: 'paid' },
  { index: 25, invoice: 'credited' },
  { index: 30, invoice: 'unpaid' },
];
/** Last term's elective students: all paid. */
const previousElectiveSeats = [2, 5, 8, 14];

const day = 86_400;
/** Days since last access by student index; -1 = never logged in. */
const accessPattern = [0, 1, 2, 3, 5, 6, 9, 12, 1, 20, 2, 35, 4, 50, -1, 16, 0];
/** Present/Absent/Leave by week for a regular student, and for one who has stopped coming. */
const regularWeeks = ['Present', 'Present', 'Present', 'Absent', 'Present', 'Leave', 'Present', 'Present'] as const;
const absentWeeks = ['Present', 'Absent', 'Absent', 'Present', 'Absent', 'Absent', 'Absent', 'Absent'] as const;

const isStruggling = (index: number) => index % 7 === 4;
const skipsClasses = (index: number) => index % 8 === 3;
const notSynced = (index: number) => index % 5 === 2;
const examNotSat = (index: number) => index % 4 === 3;

const isoDay = (base: string, plusDays: number) => new Date(Date.parse(`${base}T00:00:00Z`) + plusDays * day * 1000).toISOString().slice(0, 10);

function enrolManually(state: MoodleState, courseid: number, userid: number, nowSeconds: number) {
  const instance = state.enrolInstances.find((candidate) => candidate.courseid === courseid && candidate.enrol === 'manual');
  if (!instance || state.userEnrolments.some((ue) => ue.enrolid === instance.id && ue.userid === userid)) return;
  state.userEnrolments.push({ id: nextId(state, 'user_enrolments'), enrolid: instance.id, userid, status: 0, timestart: 0, timeend: 0, timecreated: nowSeconds - 80 * day });
  state.roleAssignments.push({ userid, courseid, roleid: 5 });
}

/** The Moodle half; returns each Student's Moodle user id. */
function addMoodleActivity(state: MoodleState, nowSeconds: number): Map<string, number> {
  const userOf = new Map<string, number>();
  for (const [index, s] of demoStudents.entries()) {
    const existing = state.users.find((u) => u.idnumber === s.name && !u.deleted);
    if (existing) userOf.set(s.name, existing.id);
    else if (s.enrolled && s.moodle === 'none') {
      const user = newUser(state, { username: s.name.toLowerCase(), firstname: s.firstName, lastname: s.lastName, email: s.email, idnumber: s.name, hasPassword: true, country: 'GB', customfields: { programme: s.program } });
      state.users.push(user);
      userOf.set(s.name, user.id);
    }
    const userid = userOf.get(s.name);
    const user = state.users.find((u) => u.id === userid);
    if (!user) continue;
    const daysAgo = accessPattern[index % accessPattern.length]!;
    user.lastaccess = daysAgo < 0 ? 0 : nowSeconds - daysAgo * day - (index % 7) * 3600;
    user.firstaccess = daysAgo < 0 ? 0 : nowSeconds - 80 * day;
  }

  const courseId = (code: string) => state.courses.find((c) => c.idnumber === code)?.id;
  const item = (courseid: number, idnumber: string, name: string) =>
    state.gradeItems.find((i) => i.courseid === courseid && i.idnumber === idnumber) ?? addGradedModule(state, { courseid, modname: 'assign', name, idnumber, grademax: 100 }).item;

  const grade = (code: string, index: number, userid: number) => {
    const courseid = courseId(code);
    if (courseid === undefined) return;
    const coursework = item(courseid, `${code}-CW`, `${code} Coursework`);
    const exam = item(courseid, `${code}-EXAM`, `${code} Exam`);
    const base = isStruggling(index) ? 18 : 42;
    if (finalGrade(state, coursework, userid).value === null) setGrade(state, coursework.id, userid, base + ((index * 17 + courseid * 5) % 45));
    if (!examNotSat(index) && finalGrade(state, exam, userid).value === null) setGrade(state, exam.id, userid, base + ((index * 11 + courseid * 7) % 50));
    const total = finalGrade(state, courseTotalItem(state, courseid), userid).value ?? 0;
    const examDone = finalGrade(state, exam, userid).value !== null;
    if (examDone && (total / courseGradeMax(state, courseid, userid)) * 100 >= 40) state.courseCompletions.set(`${courseid}:${userid}`, nowSeconds - (index % 10) * day);
  };

  for (const [index, s] of demoStudents.entries()) {
    const userid = userOf.get(s.name);
    if (userid === undefined || !s.enrolled) continue;
    for (const code of programOf(s.program).courses.filter((c) => courseOf(c).moodle)) {
      const courseid = courseId(code);
      if (courseid === undefined) continue;
      enrolManually(state, courseid, userid, nowSeconds);
      grade(code, index, userid);
    }
  }
  const electiveId = courseId(demoPaidElective.course);
  for (const seat of demoElectiveSeats) {
    const userid = userOf.get(demoStudents[seat.index]!.name);
    if (electiveId === undefined || userid === undefined) continue;
    enrolManually(state, electiveId, userid, nowSeconds);
    grade(demoPaidElective.course, seat.index, userid);
  }
  return userOf;
}

/** Moodle's course total of a user as a percentage, one decimal, or undefined. */
function moodlePercent(state: MoodleState, code: string, userid: number): number | undefined {
  const courseid = state.courses.find((c) => c.idnumber === code)?.id;
  if (courseid === undefined) return undefined;
  const total = finalGrade(state, courseTotalItem(state, courseid), userid).value;
  if (total === null) return undefined;
  return Math.round((total / courseGradeMax(state, courseid, userid)) * 1000) / 10;
}

function insertResult(site: Site, plan: string, student: string, score: number) {
  site.insert('Assessment Result', { assessment_plan: plan, student, details: [{ assessment_criteria: demoAssessmentCriteria, score }], docstatus: 1 });
}

function insertAttendance(site: Site, group: string, students: readonly string[], dates: readonly string[]) {
  for (const student of students) {
    const index = demoStudents.findIndex((s) => s.name === student);
    const weeks = skipsClasses(index) ? absentWeeks : regularWeeks;
    dates.forEach((date, week) => site.insert('Student Attendance', { student, student_group: group, date, status: weeks[(week + index) % weeks.length], docstatus: 1 }));
  }
}

/** Weekly dates from a term's first Monday, offset per course so groups meet on different weekdays. */
const weeklyDates = (termStart: string, courseIndex: number, weeks: number) => Array.from({ length: weeks }, (_, week) => isoDay(termStart, week * 7 + (courseIndex % 5)));

function invoiceElective(site: Site, student: string, postingDate: string, outcome: (typeof demoElectiveSeats)[number]['invoice']) {
  const customer = str(site.getDoc('Student', student).customer);
  const invoice = site.insert('Sales Invoice', {
    customer,
    student,
    company: demoCompany.name,
    currency: demoPaidElective.currency,
    posting_date: postingDate,
    set_posting_time: 1,
    due_date: isoDay(postingDate, demoPaidElective.paymentTermDays),
    items: [{ item_code: demoPaidElective.item.itemCode, qty: 1, rate: demoPaidElective.price }],
    docstatus: 1,
  });
  const call = (method: string, args: Record<string, unknown>) => accountsMethods[method]!.run({ site, args, user: 'Administrator', session: undefined as never }) as Record<string, unknown>;
  if (outcome === 'paid' || outcome === 'partly-paid') {
    const entry = call('erpnext.accounts.doctype.payment_entry.payment_entry.get_payment_entry', { dt: 'Sales Invoice', dn: invoice.name });
    const amount = outcome === 'paid' ? demoPaidElective.price : 100;
    const references = (entry.references as Record<string, unknown>[]).map((r) => ({ ...r, allocated_amount: amount }));
    site.insert('Payment Entry', {
      ...entry,
      paid_amount: amount,
      base_paid_amount: amount,
      received_amount: amount,
      base_received_amount: amount,
      total_allocated_amount: amount,
      base_total_allocated_amount: amount,
      references,
      reference_no: `BANK-${str(invoice.name)}`,
      reference_date: isoDay(postingDate, 5),
      posting_date: isoDay(postingDate, 5),
      docstatus: 1,
    });
  }
  if (outcome === 'credited') site.insert('Sales Invoice', { ...call('erpnext.accounts.doctype.sales_invoice.sales_invoice.make_sales_return', { source_name: invoice.name }), docstatus: 1 });
}

/** The ERPNext half: results, attendance and invoices of this term, and the previous term's. */
function addErpnextActivity(site: Site, moodle: MoodleState, userOf: Map<string, number>) {
  const courseGroups = demoStudentGroups.filter((g) => g.basedOn === 'Course');
  const plans = site.rows('Assessment Plan').filter((p) => p.docstatus === 1);

  // This term: results synced from Moodle (or marked on paper), weekly attendance until last week.
  courseGroups.forEach((group, courseIndex) => {
    const plan = plans.find((p) => p.student_group === group.name);
    const code = group.course!;
    for (const student of group.students) {
      const index = demoStudents.findIndex((s) => s.name === student);
      const userid = userOf.get(student);
      const score = courseOf(code).moodle ? (userid === undefined ? undefined : moodlePercent(moodle, code, userid)) : (isStruggling(index) ? 25 : 45) + ((index * 13) % 50);
      if (plan && score !== undefined && !notSynced(index)) insertResult(site, str(plan.name), student, score);
    }
    insertAttendance(site, group.name, group.students, weeklyDates(demoAcademicTerm.termStartDate, courseIndex, 8));
  });
  const electiveStart = isoDay(demoAcademicTerm.termStartDate, 21);
  demoElectiveSeats.forEach((seat, i) => invoiceElective(site, demoStudents[seat.index]!.name, isoDay(electiveStart, i * 5), seat.invoice));

  // Last term: the same cohort's results and attendance, and its elective invoices, all paid.
  site.insert('Academic Year', { academic_year_name: demoPreviousYear.name, year_start_date: demoPreviousYear.yearStartDate, year_end_date: demoPreviousYear.yearEndDate });
  site.insert('Academic Term', { academic_year: demoPreviousTerm.academicYear, term_name: demoPreviousTerm.termName, term_start_date: demoPreviousTerm.termStartDate, term_end_date: demoPreviousTerm.termEndDate });
  courseGroups.forEach((group, courseIndex) => {
    const name = `${group.course} ${demoPreviousTerm.name}`;
    site.insert('Student Group', {
      student_group_name: name,
      group_based_on: 'Course',
      academic_year: demoPreviousYear.name,
      academic_term: demoPreviousTerm.name,
      program: group.program,
      course: group.course,
      students: group.students.map((student) => ({ student, active: 1 })),
    });
    const plan = site.insert('Assessment Plan', {
      assessment_name: `${group.course} final grade (${demoPreviousTerm.termName})`,
      student_group: name,
      assessment_group: demoAssessmentGroup,
      course: group.course,
      grading_scale: demoGradingScale.name,
      schedule_date: isoDay(demoPreviousTerm.termEndDate, -4),
      from_time: `${String(8 + (courseIndex % 10)).padStart(2, '0')}:00:00`,
      to_time: `${String(9 + (courseIndex % 10)).padStart(2, '0')}:00:00`,
      maximum_assessment_score: 100,
      assessment_criteria: [{ assessment_criteria: demoAssessmentCriteria, maximum_score: 100 }],
      docstatus: 1,
    });
    // A steadier term: each program a few points lower than now, so the trend has a direction.
    const programOffset = demoPrograms.findIndex((p) => p.name === group.program) * 3;
    for (const student of group.students) {
      const index = demoStudents.findIndex((s) => s.name === student);
      insertResult(site, str(plan.name), student, 40 + programOffset + ((index * 7 + courseIndex * 3) % 45));
    }
    insertAttendance(site, name, group.students, weeklyDates(demoPreviousTerm.termStartDate, courseIndex, 6));
  });
  previousElectiveSeats.forEach((index, i) => invoiceElective(site, demoStudents[index]!.name, isoDay(demoPreviousTerm.termStartDate, 14 + i * 3), 'paid'));
}

/**
 * Adds the term's activity to both sandboxes seeded with `seed: 'demo'` (their `state`/`state.site`
 * handles). ERPNext's clock stands at `now` while it writes, so dates and statuses (an overdue
 * invoice) come out as on that day. `now` defaults to `demoTermNow` (tests compute against it);
 * the local stack passes the real time, so Moodle's last accesses are never in the future.
 */
export function addDemoTermActivity(sandboxes: { moodle: MoodleState; erpnext: Site }, options: { now?: Date } = {}): void {
  const now = options.now ?? demoTermNow;
  const userOf = addMoodleActivity(sandboxes.moodle, Math.floor(now.getTime() / 1000));
  const { erpnext: site } = sandboxes;
  site.clock.set(now);
  try {
    site.transaction(() => addErpnextActivity(site, sandboxes.moodle, userOf));
  } finally {
    site.clock.set(undefined);
  }
}

import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { addDemoTermActivity, demoElectiveSeats, demoTermNow } from '../../sandboxes/demo-term-activity';
import { demoAcademicTerm, demoPaidElective, programOf, studentName } from '../../sandboxes/demo-data';
import path from 'node:path';
import { loadMapping } from '../../src/config/mapping-file';
import { createErpnextClient } from '../../src/erpnext/client';
import { createMoodleClient } from '../../src/moodle/client';
import { buildCourseReport } from '../../src/reports/course-report';
import { buildProgramReport } from '../../src/reports/program-report';
import { createReportSources, type ReportSources } from '../../src/reports/report-sources';
import { buildStudentReport } from '../../src/reports/student-report';

/*
 * Each report on the demo term, against the same figures computed here straight from the
 * sandboxes' own state (ERPNext's rows, Moodle's tables), not through the report code.
 */
let moodle: MoodleSandbox;
let erpnext: ErpnextSandbox;
let sources: ReportSources;

beforeAll(async () => {
  moodle = await startMoodleSandbox({ seed: 'demo' });
  erpnext = await startErpnextSandbox({ seed: 'demo' });
  addDemoTermActivity({ moodle: moodle.state, erpnext: erpnext.state.site });
  sources = createReportSources({
    erpnext: createErpnextClient({ url: erpnext.url, apiKey: 'dev-key', apiSecret: 'dev-secret' }),
    moodle: createMoodleClient({ url: moodle.url, token: 'dev-moodle-token' }),
    mapping: loadMapping(path.resolve(__dirname, '../../config/mapping.demo.yaml')),
    now: () => demoTermNow,
    rates: { moodle: 200, erpnext: 200 },
  });
}, 60_000);

afterAll(async () => {
  await moodle?.close();
  await erpnext?.close();
});

const rows = (doctype: string) => erpnext.state.site.rows(doctype).filter((r) => r.docstatus === 1);
const term = demoAcademicTerm.name;
const rate = (statuses: unknown[]) => {
  const present = statuses.filter((s) => s === 'Present').length;
  const absent = statuses.filter((s) => s === 'Absent').length;
  return Math.round((present / (present + absent)) * 1000) / 10;
};

test('program report: enrolled, attendance, ERPNext-assessed grades and Moodle activity match the sandboxes', async () => {
  const program = 'BSc Computer Science';
  const report = await buildProgramReport(sources, program);
  expect(report.term).toBe(term);

  const students = new Set(rows('Program Enrollment').filter((pe) => pe.program === program).map((pe) => String(pe.student)));
  expect(report.totals.enrolled).toBe(students.size);

  const courses = programOf(program).courses;
  const groups = new Map(erpnext.state.site.rows('Student Group').filter((g) => courses.includes(String(g.course)) && g.academic_term === term).map((g) => [String(g.name), g]));
  const statuses = rows('Student Attendance').filter((a) => groups.has(String(a.student_group)) && students.has(String(a.student))).map((a) => a.status);
  expect(report.totals.attendance.rate).toBe(rate(statuses));

  const results = rows('Assessment Result').filter((r) => courses.includes(String(r.course)) && r.academic_term === term && students.has(String(r.student)));
  expect(report.totals.grades.assessed).toBe(results.length);

  // Moodle: student-role participants of the program's courses whose last access is within 7 days.
  const state = moodle.state;
  const nowSeconds = demoTermNow.getTime() / 1000;
  let active7 = 0;
  for (const code of courses) {
    const course = state.courses.find((c) => c.idnumber === code);
    if (!course) continue;
    const enrolIds = new Set(state.enrolInstances.filter((i) => i.courseid === course.id).map((i) => i.id));
    const userIds = new Set(state.userEnrolments.filter((ue) => enrolIds.has(ue.enrolid)).map((ue) => ue.userid));
    for (const user of state.users.filter((u) => userIds.has(u.id) && students.has(u.idnumber))) {
      if (user.lastaccess > 0 && nowSeconds - user.lastaccess <= 7 * 86_400) active7 += 1;
    }
  }
  expect(report.totals.moodle.active7).toBe(active7);
  expect(report.trends.map((t) => t.term)).toEqual(['2025-26 (Spring)', term]);
  expect(report.atRisk.length).toBeGreaterThan(0);
  for (const s of report.atRisk) expect(s.reasons.length).toBeGreaterThan(0);
});

test('course report of the paid elective: revenue and completions match the sandboxes', async () => {
  const report = await buildCourseReport(sources, demoPaidElective.course);
  const invoices = rows('Sales Invoice').filter((i) => (i.items as { item_code: string }[]).some((item) => item.item_code === demoPaidElective.item.itemCode) && String(i.posting_date) >= demoAcademicTerm.termStartDate && String(i.posting_date) <= demoAcademicTerm.termEndDate);
  const invoiced = invoices.filter((i) => !i.is_return).reduce((sum, i) => sum + Number(i.grand_total), 0);
  const credited = invoices.filter((i) => i.is_return).reduce((sum, i) => sum - Number(i.grand_total), 0);
  const outstanding = invoices.reduce((sum, i) => sum + Number(i.outstanding_amount), 0);
  expect(report.revenue).toMatchObject({ invoiced, credited, outstanding, invoices: demoElectiveSeats.length, creditNotes: 1 });
  // Paid is what the Payment Entries allocated to these invoices.
  const names = new Set(invoices.map((i) => i.name));
  const allocated = rows('Payment Entry').flatMap((p) => p.references as { reference_name: string; allocated_amount: number }[]).filter((r) => names.has(r.reference_name)).reduce((sum, r) => sum + Number(r.allocated_amount), 0);
  expect(report.revenue?.paid).toBe(allocated);

  const course = moodle.state.courses.find((c) => c.idnumber === demoPaidElective.course)!;
  const completed = [...moodle.state.courseCompletions.keys()].filter((key) => key.startsWith(`${course.id}:`)).length;
  expect(report.moodle?.completed).toBe(completed);
  expect(report.grades.live).toBeGreaterThan(0);
});

test('student report: courses, attendance per course and invoices match the sandboxes', async () => {
  const student = studentName(4);
  const report = await buildStudentReport(sources, student);
  const enrolled = erpnext.state.site.rows('Course Enrollment').filter((ce) => ce.student === student).map((ce) => String(ce.course));
  expect(report.courses.map((c) => c.course)).toEqual(expect.arrayContaining(enrolled));
  const groupCourse = new Map(erpnext.state.site.rows('Student Group').map((g) => [String(g.name), String(g.course)]));
  for (const row of report.courses.filter((c) => c.attendance.rate !== undefined)) {
    const statuses = rows('Student Attendance').filter((a) => a.student === student && groupCourse.get(String(a.student_group)) === row.course).map((a) => a.status);
    expect(row.attendance.rate).toBe(rate(statuses));
  }
  expect(report.invoices.map((i) => i.name).sort()).toEqual(rows('Sales Invoice').filter((i) => i.student === student).map((i) => String(i.name)).sort());
  expect(Object.keys(report.freshness)).toEqual(expect.arrayContaining(['erpnext.Student', 'moodle.user']));
});

test('a warm report is served from the cache: no request reaches either sandbox', async () => {
  await buildProgramReport(sources, 'BA Business');
  erpnext.state.requestCounts.clear();
  await fetch(`${moodle.url}/__sandbox/requests`, { method: "DELETE" });
  const again = await buildProgramReport(sources, 'BA Business');
  const moodleCounts = (await (await fetch(`${moodle.url}/__sandbox/requests`)).json()) as Record<string, number>;
  expect([...erpnext.state.requestCounts.values()].reduce((a, b) => a + b, 0)).toBe(0);
  expect(Object.values(moodleCounts).reduce((a, b) => a + b, 0)).toBe(0);
  expect(again.totals.enrolled).toBeGreaterThan(0);
});

import { z } from 'zod';
import type { ErpnextClient, FilterCondition } from '../erpnext/client';
import type { PacedCalls } from './paced-calls';
import type { Fresh, ReportCache } from './report-cache';

/*
 * What reports read from ERPNext, which owns students, enrollments, Assessment Results, Student
 * Attendance and invoices. Every read is a list read with its columns named (one request per page
 * of up to `pageSize` rows, never one per document), paced and cached by key.
 */

const studentRow = z.looseObject({
  name: z.string(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  student_email_id: z.string().optional(),
  joining_date: z.string().optional(),
});
const programEnrollmentRow = z.looseObject({
  name: z.string(),
  student: z.string(),
  program: z.string(),
  academic_year: z.string().optional(),
  academic_term: z.string().optional(),
  enrollment_date: z.string().optional(),
});
const courseEnrollmentRow = z.looseObject({ name: z.string(), student: z.string(), course: z.string(), program_enrollment: z.string().optional(), enrollment_date: z.string().optional() });
const assessmentResultRow = z.looseObject({
  name: z.string(),
  student: z.string(),
  course: z.string().optional(),
  academic_term: z.string().optional(),
  total_score: z.number().optional(),
  maximum_score: z.number().optional(),
  grade: z.string().optional(),
});
const attendanceRow = z.looseObject({ name: z.string(), student: z.string(), student_group: z.string().optional(), date: z.string(), status: z.enum(['Present', 'Absent', 'Leave']) });
const studentGroupRow = z.looseObject({ name: z.string(), group_based_on: z.string().optional(), course: z.string().optional(), program: z.string().optional(), academic_term: z.string().optional() });
const invoiceRow = z.looseObject({
  name: z.string(),
  docstatus: z.number().int(),
  student: z.string().optional(),
  posting_date: z.string().optional(),
  due_date: z.string().optional(),
  status: z.string().optional(),
  grand_total: z.number().optional(),
  outstanding_amount: z.number().optional(),
  is_return: z.number().int().optional(),
  return_against: z.string().optional(),
});
const termRow = z.looseObject({ name: z.string(), academic_year: z.string().optional(), term_start_date: z.string().optional(), term_end_date: z.string().optional() });
const programDoc = z.looseObject({ name: z.string(), courses: z.array(z.looseObject({ course: z.string() })).default([]) });
const courseRow = z.looseObject({ name: z.string(), course_name: z.string().optional(), description: z.string().optional() });

export type StudentRow = z.infer<typeof studentRow>;
export type ProgramEnrollmentRow = z.infer<typeof programEnrollmentRow>;
export type CourseEnrollmentRow = z.infer<typeof courseEnrollmentRow>;
export type AssessmentResultRow = z.infer<typeof assessmentResultRow>;
export type AttendanceRow = z.infer<typeof attendanceRow>;
export type StudentGroupRow = z.infer<typeof studentGroupRow>;
export type InvoiceRow = z.infer<typeof invoiceRow>;
export type TermRow = z.infer<typeof termRow>;
export type CourseRow = z.infer<typeof courseRow>;

/** Names per `in` filter: long lists go as POST get_list (no request-line limit), kept to pages a site answers quickly. */
const namesPerRead = 1000;
/** Rows per list request. */
const pageSize = 5000;

const chunks = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
const keyOf = (parts: readonly unknown[]) => JSON.stringify(parts);

export function createErpnextReads(erp: ErpnextClient, paced: PacedCalls, cache: ReportCache) {
  /** Every row matching `filters`, page by page, each page one paced request. */
  async function all<Row>(doctype: string, schema: z.ZodObject, filters: FilterCondition[]): Promise<Row[]> {
    const rows: Row[] = [];
    const fields = Object.keys(schema.shape);
    for (let start = 0; ; start += pageSize) {
      const page = await paced(() => erp.getList<Row>(doctype, { fields, filters, orderBy: 'creation asc, name asc', limitStart: start, limitPageLength: pageSize, schema: schema as unknown as z.ZodType<Row> }));
      rows.push(...page);
      if (page.length < pageSize) return rows;
    }
  }

  /** Rows whose `field` is one of `values`, read in chunks of names. */
  async function whereIn<Row>(doctype: string, schema: z.ZodObject, field: string, values: readonly string[], extra: FilterCondition[]): Promise<Row[]> {
    const rows: Row[] = [];
    for (const part of chunks([...new Set(values)].sort(), namesPerRead)) rows.push(...(await all<Row>(doctype, schema, [[field, 'in', part], ...extra])));
    return rows;
  }

  const cached = <Row>(parts: readonly unknown[], load: () => Promise<Row[]>): Promise<Fresh<Row[]>> => cache.get(keyOf(['erpnext', ...parts]), load);
  const submitted: FilterCondition = ['docstatus', '=', 1];

  return {
    students: (names: readonly string[]) => cached<StudentRow>(['Student', names], () => whereIn('Student', studentRow, 'name', names, [])),
    programEnrollmentsOfStudent: (student: string) => cached<ProgramEnrollmentRow>(['Program Enrollment', 'student', student], () => all('Program Enrollment', programEnrollmentRow, [['student', '=', student], submitted])),
    programEnrollmentsOfProgram: (program: string) => cached<ProgramEnrollmentRow>(['Program Enrollment', 'program', program], () => all('Program Enrollment', programEnrollmentRow, [['program', '=', program], submitted])),
    courseEnrollmentsOfStudent: (student: string) => cached<CourseEnrollmentRow>(['Course Enrollment', 'student', student], () => all('Course Enrollment', courseEnrollmentRow, [['student', '=', student]])),
    courseEnrollmentsOfCourses: (courses: readonly string[]) => cached<CourseEnrollmentRow>(['Course Enrollment', 'course', courses], () => whereIn('Course Enrollment', courseEnrollmentRow, 'course', courses, [])),
    resultsOfStudent: (student: string) => cached<AssessmentResultRow>(['Assessment Result', 'student', student], () => all('Assessment Result', assessmentResultRow, [['student', '=', student], submitted])),
    resultsOfCourses: (courses: readonly string[]) => cached<AssessmentResultRow>(['Assessment Result', 'course', courses], () => whereIn('Assessment Result', assessmentResultRow, 'course', courses, [submitted])),
    attendanceOfStudent: (student: string) => cached<AttendanceRow>(['Student Attendance', 'student', student], () => all('Student Attendance', attendanceRow, [['student', '=', student], submitted])),
    attendanceOfGroups: (groups: readonly string[]) => cached<AttendanceRow>(['Student Attendance', 'group', groups], () => whereIn('Student Attendance', attendanceRow, 'student_group', groups, [submitted])),
    studentGroups: () => cached<StudentGroupRow>(['Student Group'], () => all('Student Group', studentGroupRow, [])),
    /** Submitted invoices and credit notes of one Student. */
    invoicesOfStudent: (student: string) => cached<InvoiceRow>(['Sales Invoice', 'student', student], () => all('Sales Invoice', invoiceRow, [['student', '=', student], submitted])),
    /** Submitted invoices and credit notes with a row for `item` (a credit note copies its invoice's items). */
    invoicesOfItem: (item: string) => cached<InvoiceRow>(['Sales Invoice', 'item', item], () => all('Sales Invoice', invoiceRow, [['Sales Invoice Item', 'item_code', '=', item], submitted])),
    /** Submitted invoices and credit notes of many Students (a program's). */
    invoicesOfStudents: (students: readonly string[]) => cached<InvoiceRow>(['Sales Invoice', 'students', students], () => whereIn('Sales Invoice', invoiceRow, 'student', students, [submitted])),
    /** A Program's courses, from its child table (one document read). */
    programCourses: (program: string): Promise<Fresh<string[]>> =>
      cache.get(keyOf(['erpnext', 'Program', program]), async () => (await paced(() => erp.getDoc('Program', program, { schema: programDoc }))).courses.map((row) => row.course)),
    terms: () => cached<TermRow>(['Academic Term'], () => all('Academic Term', termRow, [])),
    courses: () => cached<CourseRow>(['Course'], () => all('Course', courseRow, [])),
  };
}

export type ErpnextReads = ReturnType<typeof createErpnextReads>;

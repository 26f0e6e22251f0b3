import { z } from 'zod';
import { columns } from '../columns';
import { docstatusFor, type CallOptions, type ErpnextClient } from '../client';

/**
 * Education's `Student Attendance`, kept per student + Student Group + date: the uniqueness rule
 * Education applies when no Course Schedule is given.
 */
export const studentAttendanceSchema = z.looseObject({
  name: z.string(),
  student: z.string(),
  student_group: z.string().optional(),
  date: z.string(),
  status: z.enum(['Present', 'Absent', 'Leave']),
  /** 0 draft, 1 submitted, 2 cancelled. */
  docstatus: z.number().int(),
});
export type StudentAttendance = z.infer<typeof studentAttendanceSchema>;

const row = columns(studentAttendanceSchema.pick({ name: true, student: true, date: true, status: true, docstatus: true }));
export type StudentAttendanceRow = z.infer<typeof row.schema>;

export type AttendanceRecord = Pick<StudentAttendance, 'student' | 'date' | 'status'>;

/**
 * DocType `Student Attendance`. Education's bulk `mark_attendance` is not used: it knows only
 * Present and Absent (no Leave), always submits, and saves one record at a time; `insert_many`
 * writes up to 200 in one call either way.
 */
export function createStudentAttendance(erp: ErpnextClient) {
  return {
    /** A group's non-cancelled records on the given dates, in one paged list read. */
    async list(group: string, dates: readonly string[], call?: CallOptions): Promise<StudentAttendanceRow[]> {
      if (dates.length === 0) return [];
      const rows: StudentAttendanceRow[] = [];
      const filters: [string, string, unknown][] = [['student_group', '=', group], ['date', 'in', [...new Set(dates)]], ['docstatus', '<', 2]];
      for await (const record of erp.iterate('Student Attendance', { ...row, filters, pageSize: 1000 }, call)) rows.push(record);
      return rows;
    },

    /** Inserts records of one group with `frappe.client.insert_many` (≤ 200, all or nothing); returns how many. */
    async insert(group: string, records: readonly AttendanceRecord[], submit: boolean, call?: CallOptions): Promise<number> {
      if (records.length === 0) return 0;
      const docs = records.map((record) => ({
        doctype: 'Student Attendance',
        student: record.student,
        student_group: group,
        date: record.date,
        status: record.status,
        ...docstatusFor(submit),
      }));
      return (await erp.insertMany(docs, call)).length;
    },

    /** Corrects `status` (allow-on-submit) with one `PUT` each; submits drafts in the same save when asked. */
    async updateStatuses(records: readonly Pick<StudentAttendance, 'name' | 'status'>[], submit: boolean, call?: CallOptions): Promise<void> {
      for (const record of records) {
        await erp.update('Student Attendance', record.name, { status: record.status, ...docstatusFor(submit) }, call);
      }
    },
  };
}

import { activityInfo } from '@temporalio/activity';
import { z } from 'zod';
import type { ErpnextClient } from '../src/erpnext/client';
import type { DesiredAttendance, ExistingAttendance } from '../src/mapping/attendance';
import { lastCompletedWatermarks } from './last-watermarks';

const groupRowSchema = z.object({ name: z.string(), course: z.string() });
const attendanceRowSchema = z.object({ name: z.string(), student: z.string(), date: z.string(), status: z.enum(['Present', 'Absent', 'Leave']), docstatus: z.number().int() });

/**
 * ERPNext side of the attendance sync (Student Group, Student Attendance), closed over one client;
 * spread into createErpnextActivities. Records are keyed by student + Student Group + date, the
 * uniqueness rule ERPNext applies when no Course Schedule is given. Education's bulk
 * `mark_attendance` is not used: it knows only present and absent (no Leave), always submits, and
 * saves one record at a time; `insert_many` writes up to 200 in one call either way.
 */
export function createErpnextAttendanceActivities(erp: ErpnextClient) {
  async function listAttendance(group: string, dates: readonly string[]): Promise<ExistingAttendance[]> {
    if (dates.length === 0) return [];
    const rows: ExistingAttendance[] = [];
    const pages = erp.iterate('Student Attendance', {
      fields: ['name', 'student', 'date', 'status', 'docstatus'],
      filters: [['student_group', '=', group], ['date', 'in', [...new Set(dates)]], ['docstatus', '<', 2]],
      schema: attendanceRowSchema,
      pageSize: 1000,
    });
    for await (const row of pages) rows.push({ ...row, docstatus: row.docstatus === 1 ? 1 : 0 });
    return rows;
  }

  return {
    /** The Course-based, enabled `Student Group` of each ERPNext Course (newest first wins), in one list read. */
    async erpnextFindCourseGroups(courses: string[]): Promise<Record<string, string>> {
      if (courses.length === 0) return {};
      const groups: Record<string, string> = {};
      const rows = erp.iterate('Student Group', {
        fields: ['name', 'course'],
        filters: [['group_based_on', '=', 'Course'], ['course', 'in', courses], ['disabled', '=', 0]],
        orderBy: 'creation desc, name desc',
        schema: groupRowSchema,
      });
      for await (const row of rows) groups[row.course] ??= row.name;
      return groups;
    },

    /** Students active in a `Student Group`. */
    async erpnextActiveGroupStudents(group: string): Promise<string[]> {
      const doc = await erp.getDoc('Student Group', group);
      return (doc.students ?? []).filter((row) => row.active !== 0).map((row) => row.student);
    },

    /** Non-cancelled `Student Attendance` of a group on the given dates, in one paged list read. */
    async erpnextListAttendance(input: { group: string; dates: string[] }): Promise<ExistingAttendance[]> {
      return listAttendance(input.group, input.dates);
    },

    /** Inserts `Student Attendance` with `frappe.client.insert_many` (≤ 200; submitted when configured). */
    async erpnextCreateAttendance(input: { group: string; records: DesiredAttendance[]; submit: boolean }): Promise<{ created: number }> {
      let records = input.records;
      if (activityInfo().attempt > 1) {
        const present = new Set((await listAttendance(input.group, records.map((r) => r.date))).map((row) => `${row.student}|${row.date}`));
        records = records.filter((record) => !present.has(`${record.student}|${record.date}`));
      }
      if (records.length === 0) return { created: 0 };
      const docs = records.map((record) => ({
        doctype: 'Student Attendance',
        student: record.student,
        student_group: input.group,
        date: record.date,
        status: record.status,
        ...(input.submit ? { docstatus: 1 } : {}),
      }));
      return { created: (await erp.insertMany(docs)).length };
    },

    /** Corrects `status` (allow-on-submit) with `PUT`; submits drafts in the same save when configured. Re-sending is harmless. */
    async erpnextUpdateAttendance(input: { records: (DesiredAttendance & { name: string })[]; submit: boolean }): Promise<{ updated: number }> {
      for (const record of input.records) {
        await erp.update('Student Attendance', record.name, { status: record.status, ...(input.submit ? { docstatus: 1 } : {}) });
      }
      return { updated: input.records.length };
    },

    /** Where the attendance sync starts: the last completed run's watermarks (see lastCompletedWatermarks). */
    async erpnextLastAttendanceWatermarks(): Promise<Record<string, number>> {
      return lastCompletedWatermarks('syncAttendance');
    },
  };
}

export type ErpnextAttendanceActivities = ReturnType<typeof createErpnextAttendanceActivities>;

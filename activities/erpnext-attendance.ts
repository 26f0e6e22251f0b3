import { activityInfo } from '@temporalio/activity';
import type { ErpnextClient } from '../src/erpnext/client';
import { createStudentAttendance } from '../src/erpnext/resources/student-attendance';
import { createStudentGroups } from '../src/erpnext/resources/student-groups';
import type { DesiredAttendance, ExistingAttendance } from '../src/mapping/attendance';
import { activityCall } from './activity-call';
import { withFailureMapping } from './failure';
import { keepHeartbeating } from './keep-heartbeating';

/** ERPNext side of the attendance sync (Student Group, Student Attendance), closed over one client. */
export function createErpnextAttendanceActivities(erp: ErpnextClient) {
  const groups = createStudentGroups(erp);
  const attendance = createStudentAttendance(erp);

  return withFailureMapping(
    keepHeartbeating({
      /** The Course-based, enabled `Student Group` of each ERPNext Course (newest first wins), in one list read. */
      async erpnextFindCourseGroups(courses: string[]): Promise<Record<string, string>> {
        return groups.byCourse(courses, activityCall());
      },

      /** Students active in a `Student Group`. */
      async erpnextActiveGroupStudents(group: string): Promise<string[]> {
        return groups.activeStudents(group);
      },

      /** Non-cancelled `Student Attendance` of a group on the given dates, in one paged list read. */
      async erpnextListAttendance(input: { group: string; dates: string[] }): Promise<ExistingAttendance[]> {
        const rows = await attendance.list(input.group, input.dates, activityCall());
        return rows.map((row) => ({ ...row, docstatus: row.docstatus === 1 ? 1 : 0 }));
      },

      /** Inserts `Student Attendance` (≤ 200 in one `insert_many`; submitted when configured). A retry skips what an earlier attempt wrote. */
      async erpnextCreateAttendance(input: { group: string; records: DesiredAttendance[]; submit: boolean }): Promise<{ created: number }> {
        const call = activityCall();
        let records = input.records;
        if (activityInfo().attempt > 1) {
          const present = new Set((await attendance.list(input.group, records.map((r) => r.date), call)).map((row) => `${row.student}|${row.date}`));
          records = records.filter((record) => !present.has(`${record.student}|${record.date}`));
        }
        return { created: await attendance.insert(input.group, records, input.submit, call) };
      },

      /** Corrects `status` and submits drafts when configured. Re-sending is harmless. */
      async erpnextUpdateAttendance(input: { records: (DesiredAttendance & { name: string })[]; submit: boolean }): Promise<{ updated: number }> {
        await attendance.updateStatuses(input.records, input.submit, activityCall());
        return { updated: input.records.length };
      },
    }),
  );
}

export type ErpnextAttendanceActivities = ReturnType<typeof createErpnextAttendanceActivities>;

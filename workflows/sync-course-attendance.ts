import { localDate, planAttendanceWrites, type AttendanceSkipReason, type ErpnextAttendanceStatus, type SkippedMark } from '../src/mapping/attendance';
import { countSkips } from '../src/mapping/grades';
import type { MappedCourse } from '../src/mapping/mapped-courses';
import { batches, erpnextInsertManyLimit, perDocumentBatchSize, skippedListLimit } from '../src/common/batches';
import { syncActivities } from './sync-activities';
import { heldWatermark } from './course-sync/held-watermark';
import { showActivityWaits } from './waiting-on';

export interface SyncCourseAttendanceInput {
  course: MappedCourse;
  studentGroup: string;
  since: number;
  statusMap: Record<string, ErpnextAttendanceStatus>;
  timeZone: string;
  submit: boolean;
}

export interface CourseAttendanceReport {
  course: string;
  status: 'synced' | 'unmapped' | 'failed';
  reason?: string;
  studentGroup?: string;
  sessions: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: Partial<Record<AttendanceSkipReason, number>>;
  skippedMarks: SkippedMark[];
}

export function emptyCourseAttendanceReport(course: string, status: CourseAttendanceReport['status'], extra: Partial<CourseAttendanceReport> = {}): CourseAttendanceReport {
  return { course, status, sessions: 0, created: 0, updated: 0, unchanged: 0, skipped: {}, skippedMarks: [], ...extra };
}

/**
 * One course: Moodle sessions taken since the watermark → Student Attendance of the course's group,
 * differences only. The returned watermark stops at the earliest skipped mark's session.
 */
export async function syncCourseAttendance(input: SyncCourseAttendanceInput): Promise<{ report: CourseAttendanceReport; watermark: number }> {
  const { moodle, erpnext } = syncActivities();
  showActivityWaits();
  const read = await moodle.moodleReadAttendance({ courseId: input.course.moodleCourseId, since: input.since });
  const report = emptyCourseAttendanceReport(input.course.moodleIdnumber, 'synced', { studentGroup: input.studentGroup, sessions: read.sessions });
  if (read.marks.length === 0) return { report, watermark: read.watermark };

  const activeStudents = await erpnext.erpnextActiveGroupStudents(input.studentGroup);
  const dates = [...new Set(read.marks.map((mark) => localDate(mark.sessionDate, input.timeZone)))];
  const existing = await erpnext.erpnextListAttendance({ group: input.studentGroup, dates });
  const writes = planAttendanceWrites(read.marks, existing, { statusMap: input.statusMap, timeZone: input.timeZone, activeStudents, submit: input.submit });

  for (const records of batches(writes.create, erpnextInsertManyLimit)) {
    await erpnext.erpnextCreateAttendance({ group: input.studentGroup, records, submit: input.submit });
  }
  for (const records of batches(writes.update, perDocumentBatchSize)) {
    await erpnext.erpnextUpdateAttendance({ records, submit: input.submit });
  }
  report.created = writes.create.length;
  report.updated = writes.update.length;
  report.unchanged = writes.unchanged;
  report.skipped = countSkips(writes.skipped);
  report.skippedMarks = writes.skipped.slice(0, skippedListLimit);
  return { report, watermark: heldWatermark({ watermark: read.watermark, since: input.since }, writes.skipped.map((skip) => skip.takenAt)) };
}

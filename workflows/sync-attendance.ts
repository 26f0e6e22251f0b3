import { defineQuery, executeChild } from '@temporalio/workflow';
import type { ErpnextAttendanceStatus } from '../src/mapping/attendance';
import type { MappedCourse } from '../src/mapping/mapped-courses';
import { runCourseSync, type CourseSync, type CourseSyncProgress, type CourseSyncSettings, type CourseTask } from './course-sync/driver';
import { singleSyncRuns } from '../src/common/sync-runs';
import { addCourse, courseWatermarkKey, type SyncReport } from './course-sync/sync-report';
import type { SyncActivities } from './sync-activities';
import { emptyCourseAttendanceReport, syncCourseAttendance, type CourseAttendanceReport } from './sync-course-attendance';

export interface AttendanceSyncSettings extends CourseSyncSettings {
  statusMap: Record<string, ErpnextAttendanceStatus>;
  /** Institution timezone: a session's date is its local calendar day. */
  timeZone: string;
  submit: boolean;
}

export interface AttendanceCourseTask extends CourseTask {
  studentGroup: string;
}

/** Watermarks are the newest session `lasttaken` written through per Moodle course and Student Group, never past a skipped mark. */
export type AttendanceReport = SyncReport<CourseAttendanceReport>;

export interface SyncAttendanceInput {
  course?: string;
  settings: AttendanceSyncSettings;
  carry?: { pending: AttendanceCourseTask[]; report: AttendanceReport };
  /** The single run's follow-ups (requests that arrived while it ran). */
  queued?: SyncAttendanceInput[];
  /** Where a follow-up starts: the watermarks the run before it ended with. */
  watermarks?: Record<string, number>;
}

/** Student Attendance is written per group: the group is the key besides the course. */
const watermarkKey = (task: AttendanceCourseTask): string => courseWatermarkKey(task.course.moodleIdnumber, task.studentGroup);

export const attendanceProgressQuery = defineQuery<CourseSyncProgress<CourseAttendanceReport>>('attendanceProgress');

/** The course-based Student Group of every mapped course, starting at its watermark; a course without one is reported. */
async function planCourses(input: SyncAttendanceInput, mapped: MappedCourse[], report: AttendanceReport, { erpnext }: SyncActivities): Promise<AttendanceCourseTask[]> {
  const groups = await erpnext.erpnextFindCourseGroups(mapped.map((course) => course.erpnextCourse));
  const tasks: AttendanceCourseTask[] = [];
  for (const course of mapped) {
    const studentGroup = groups[course.erpnextCourse];
    if (studentGroup === undefined) {
      addCourse(report, emptyCourseAttendanceReport(course.moodleIdnumber, 'unmapped', { reason: `no enabled Course-based Student Group for ERPNext Course ${course.erpnextCourse}` }));
      continue;
    }
    const task = { course, studentGroup, since: 0 };
    tasks.push(input.course === undefined ? { ...task, since: report.watermarks[watermarkKey(task)] ?? 0 } : task);
  }
  return tasks;
}

const attendanceSync: CourseSync<SyncAttendanceInput, AttendanceCourseTask, CourseAttendanceReport> = {
  progressQuery: attendanceProgressQuery,
  plan: planCourses,
  syncCourse: (input, task, workflowId) =>
    executeChild(syncCourseAttendance, {
      workflowId,
      args: [{ course: task.course, studentGroup: task.studentGroup, since: task.since, statusMap: input.settings.statusMap, timeZone: input.settings.timeZone, submit: input.settings.submit }],
    }),
  unmappedCourse: (course, reason) => emptyCourseAttendanceReport(course, 'unmapped', { reason }),
  failedCourse: (task, reason) => emptyCourseAttendanceReport(task.course.moodleIdnumber, 'failed', { studentGroup: task.studentGroup, reason }),
  // A run restricted to one course still reads that course in full, so it may move its watermark.
  movesWatermarks: () => true,
  watermarkKey,
  singleRun: { run: singleSyncRuns.attendance, scope: (input) => JSON.stringify([input.course ?? null]) },
};

/**
 * Attendance sync: one child workflow per course (syncCourseAttendance), run by the course-sync
 * driver; one at a time, in the single run `attendance:run` (see syncGrades).
 */
export async function syncAttendance(input: SyncAttendanceInput): Promise<AttendanceReport> {
  return runCourseSync(attendanceSync, input);
}

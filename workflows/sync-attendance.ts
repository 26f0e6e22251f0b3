import { continueAsNew, defineQuery, executeChild, isCancellation, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Mapping } from '../src/config/mapping-file';
import type { ErpnextAttendanceStatus } from '../src/mapping/attendance';
import { selectCourses, type MappedCourse } from '../src/mapping/grades-courses';
import { runCourseWindow } from './course-window';
import { addCourse, emptySyncReport, type SyncReport } from './sync-report';
import { failureMessage } from './failure-message';
import { emptyAttendanceReport, syncCourseAttendance, type CourseAttendanceReport } from './sync-course-attendance';
import { erpnext, moodle } from './sync-activities';

export interface AttendanceSyncSettings {
  statusMap: Record<string, ErpnextAttendanceStatus>;
  /** Institution timezone: a session's date is its local calendar day. */
  timeZone: string;
  submit: boolean;
  courses: Record<string, string>;
  parallelism: number;
  coursesPerRun: number;
}

interface CourseTask {
  course: MappedCourse;
  studentGroup: string;
  since: number;
}

/** Watermarks are the newest session `lasttaken` written through per Moodle course idnumber. */
export type AttendanceReport = SyncReport<CourseAttendanceReport>;

export interface SyncAttendanceInput {
  course?: string;
  settings: AttendanceSyncSettings;
  carry?: { pending: CourseTask[]; report: AttendanceReport };
}

export const attendanceProgressQuery = defineQuery<AttendanceReport & { running: string[]; pending: string[] }>('attendanceProgress');

export function attendanceSyncSettings(mapping: Mapping, coursesPerRun = 500): AttendanceSyncSettings {
  const { statusMap, schedule, submit } = mapping.attendance;
  return { statusMap, timeZone: schedule.timezone, submit, courses: mapping.courses, parallelism: mapping.grades.parallelism, coursesPerRun };
}

async function planCourses(input: SyncAttendanceInput, report: AttendanceReport): Promise<CourseTask[]> {
  const { mapped, unmapped } = selectCourses(await moodle.moodleListCourses(), input.settings.courses, input.course);
  const groups = await erpnext.erpnextFindCourseGroups(mapped.map((course) => course.erpnextCourse));
  for (const gap of unmapped) addCourse(report, emptyAttendanceReport(gap.course, 'unmapped', { reason: gap.reason }));
  const tasks: CourseTask[] = [];
  for (const course of mapped) {
    const studentGroup = groups[course.erpnextCourse];
    if (studentGroup === undefined) {
      addCourse(report, emptyAttendanceReport(course.moodleIdnumber, 'unmapped', { reason: `no enabled Course-based Student Group for ERPNext Course ${course.erpnextCourse}` }));
      continue;
    }
    tasks.push({ course, studentGroup, since: input.course === undefined ? (report.watermarks[course.moodleIdnumber] ?? 0) : 0 });
  }
  return tasks;
}

/** Attendance sync: the grade sync's shape (child per course, sliding window, continue-as-new, watermarks from the last good run). */
export async function syncAttendance(input: SyncAttendanceInput): Promise<AttendanceReport> {
  // The query answers from the first moment, before the watermarks and course plan are read.
  let report = input.carry?.report ?? emptySyncReport<CourseAttendanceReport>({});
  const running = new Set<string>();
  let pending: CourseTask[] = [];
  setHandler(attendanceProgressQuery, () => ({ ...report, running: [...running], pending: pending.map((task) => task.course.moodleIdnumber) }));
  if (!input.carry) report = emptySyncReport<CourseAttendanceReport>(await erpnext.erpnextLastAttendanceWatermarks());
  pending = input.carry?.pending ?? (await planCourses(input, report));

  const rest = await runCourseWindow({
    pending,
    running,
    parallelism: input.settings.parallelism,
    perRun: input.settings.coursesPerRun,
    keyOf: (task) => task.course.moodleIdnumber,
    run: async (task) => {
      const key = task.course.moodleIdnumber;
      try {
        const { report: courseReport, watermark } = await executeChild(syncCourseAttendance, {
          workflowId: `${workflowInfo().workflowId}/${key}`,
          args: [{ course: task.course, studentGroup: task.studentGroup, since: task.since, statusMap: input.settings.statusMap, timeZone: input.settings.timeZone, submit: input.settings.submit }],
        });
        addCourse(report, courseReport);
        report.watermarks[key] = watermark;
      } catch (err) {
        if (isCancellation(err)) throw err;
        addCourse(report, emptyAttendanceReport(key, 'failed', { studentGroup: task.studentGroup, reason: failureMessage(err) }));
      }
    },
  });
  if (rest.length > 0) await continueAsNew<typeof syncAttendance>({ ...input, carry: { pending: rest, report } });
  return report;
}

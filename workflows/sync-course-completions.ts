import type { MappedCourse } from '../src/mapping/mapped-courses';
import { planCompletionWrites, type CompletionSkipReason } from '../src/mapping/roster-completions';
import { batches, perDocumentBatchSize, skippedListLimit } from '../src/common/batches';
import { erpnextCompletions, moodleCompletions } from './sync-completions-activities';
import { showActivityWaits } from './waiting-on';

export interface SyncCourseCompletionsInput {
  course: MappedCourse;
  since: number;
  studentRoleId: number;
  /** Institution timezone: a completion's date is its local calendar day. */
  timeZone: string;
}

export interface CourseCompletionReport {
  course: string;
  status: 'synced' | 'unmapped' | 'failed';
  reason?: string;
  students: number;
  completed: number;
  /** Completion dates written for the first time; `updated` ones replaced another date. */
  created: number;
  updated: number;
  unchanged: number;
  skipped: Partial<Record<CompletionSkipReason | 'no-criteria', number>>;
  skippedStudents: string[];
}

export function emptyCourseCompletionReport(course: string, status: CourseCompletionReport['status'], extra: Partial<CourseCompletionReport> = {}): CourseCompletionReport {
  return { course, status, students: 0, completed: 0, created: 0, updated: 0, unchanged: 0, skipped: {}, skippedStudents: [], ...extra };
}

/**
 * One course: each student's Moodle completion → the completion date of their Course Enrollment,
 * differences only, so an unchanged completion writes nothing. Every run reads every student
 * (Moodle has no "completed since"); the watermark records the newest completion written through.
 */
export async function syncCourseCompletions(input: SyncCourseCompletionsInput): Promise<{ report: CourseCompletionReport; watermark: number }> {
  showActivityWaits();
  const read = await moodleCompletions.moodleReadCourseCompletions({ courseId: input.course.moodleCourseId, studentRoleId: input.studentRoleId, since: input.since });
  const report = emptyCourseCompletionReport(input.course.moodleIdnumber, 'synced', { students: read.students, completed: read.completions.length });
  if (!read.criteria) {
    report.skipped['no-criteria'] = read.students;
    report.reason = 'the Moodle course has no completion criteria';
    return { report, watermark: read.watermark };
  }
  if (read.completions.length === 0) return { report, watermark: read.watermark };

  const enrollments = await erpnextCompletions.erpnextCourseEnrollmentCompletions(input.course.erpnextCourse);
  const plan = planCompletionWrites(read.completions, enrollments, input.timeZone);
  for (const writes of batches(plan.write, perDocumentBatchSize)) await erpnextCompletions.erpnextWriteCompletionDates(writes);
  const hadDate = new Set(enrollments.filter((e) => e.completionDate !== null).map((e) => e.name));
  report.created = plan.write.filter((write) => !hadDate.has(write.name)).length;
  report.updated = plan.write.length - report.created;
  report.unchanged = plan.unchanged;
  if (plan.skipped.length) report.skipped['no-course-enrollment'] = plan.skipped.length;
  report.skippedStudents = plan.skipped.slice(0, skippedListLimit).map((skip) => skip.student);
  return { report, watermark: read.watermark };
}

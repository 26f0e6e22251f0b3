import { countSkips, planResultWrites, type GradeSkipReason, type SkippedGrade } from '../src/mapping/grades';
import type { MappedCourse } from '../src/mapping/mapped-courses';
import { batches, erpnextInsertManyLimit, perDocumentBatchSize, skippedListLimit } from '../src/common/batches';
import { syncActivities } from './sync-activities';
import { heldWatermark } from './course-sync/held-watermark';
import { showActivityWaits } from './waiting-on';

export interface SyncCourseGradesInput {
  course: MappedCourse;
  plan: string;
  /** Only grades changed at or after this unix time are looked at. */
  since: number;
  /** Restrict to one ERPNext Student. */
  student?: string;
  submitResults: boolean;
}

export interface CourseGradesReport {
  course: string;
  status: 'synced' | 'unmapped' | 'failed';
  reason?: string;
  plan?: string;
  created: number;
  updated: number;
  unchanged: number;
  skipped: Partial<Record<GradeSkipReason, number>>;
  /** The first skipped grades, so an operator can see who and why. */
  skippedGrades: SkippedGrade[];
}

export interface SyncCourseGradesResult {
  report: CourseGradesReport;
  /** Where the next incremental run of this course and plan starts: never past a skipped grade. */
  watermark: number;
}

export function emptyCourseGradesReport(course: string, status: CourseGradesReport['status'], extra: Partial<CourseGradesReport> = {}): CourseGradesReport {
  return { course, status, created: 0, updated: 0, unchanged: 0, skipped: {}, skippedGrades: [], ...extra };
}

/**
 * One course: read Moodle course totals changed since the watermark, compare with the plan's
 * Assessment Results (one list read), write only the differences in batches. The watermark it
 * returns stops at the earliest skipped grade, so that grade is written once its cause is fixed.
 */
export async function syncCourseGrades(input: SyncCourseGradesInput): Promise<SyncCourseGradesResult> {
  const { moodle, erpnext } = syncActivities();
  showActivityWaits();
  const { course, plan } = input;
  const read = await moodle.moodleReadCourseTotals({ courseId: course.moodleCourseId, since: input.since });
  const totals = input.student === undefined ? read.changed : read.changed.filter((total) => total.studentId === input.student);
  const report = emptyCourseGradesReport(course.moodleIdnumber, 'synced', { plan });
  if (totals.length === 0) return { report, watermark: read.watermark };

  const context = await erpnext.erpnextLoadAssessmentPlan(plan);
  const existing = await erpnext.erpnextListAssessmentResults({ plan, students: input.student === undefined ? undefined : [input.student] });
  const writes = planResultWrites(totals, context, existing, input.submitResults);

  for (const batch of batches(writes.create, erpnextInsertManyLimit)) {
    await erpnext.erpnextCreateAssessmentResults({ plan, results: batch, submit: input.submitResults });
  }
  for (const batch of batches(writes.update, perDocumentBatchSize)) {
    await erpnext.erpnextUpdateAssessmentResults({ plan, results: batch, submit: input.submitResults });
  }
  for (const batch of batches(writes.amend, perDocumentBatchSize)) {
    await erpnext.erpnextAmendAssessmentResults({ plan, results: batch, submit: input.submitResults });
  }

  report.created = writes.create.length;
  report.updated = writes.update.length + writes.amend.length;
  report.unchanged = writes.unchanged;
  report.skipped = countSkips(writes.skipped);
  report.skippedGrades = writes.skipped.slice(0, skippedListLimit);
  return { report, watermark: heldWatermark({ watermark: read.watermark, since: input.since }, writes.skipped.map((skip) => skip.gradedAt)) };
}

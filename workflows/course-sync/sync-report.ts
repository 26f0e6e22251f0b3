/** What every course of a grade or attendance sync contributes to the run's report. */
export interface CourseSyncCounts {
  /** The Moodle course's idnumber. */
  course: string;
  status: 'synced' | 'unmapped' | 'failed';
  /** Why a course was not synced, for the operator. */
  reason?: string;
  created: number;
  updated: number;
  unchanged: number;
  skipped: Partial<Record<string, number>>;
}

export interface SyncTotals {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failedCourses: number;
  unmappedCourses: number;
}

export interface SyncReport<Course extends CourseSyncCounts> {
  courses: Course[];
  totals: SyncTotals;
  /**
   * Where each course's next incremental read starts (`courseWatermarkKey`, or the Moodle course
   * idnumber for a kind that writes per course only): the newest change written through, held at
   * the earliest row that had to be skipped.
   */
  watermarks: Record<string, number>;
  /**
   * Set on a Schedule's run that did no work itself but handed its request to the kind's single
   * run (src/common/sync-runs.ts): the report is that run's; this one is empty.
   */
  handedOverTo?: { workflowId: string; runId: string };
}

/**
 * A course's watermark key with what the writes are keyed on besides (an Assessment Plan, a
 * Student Group): a plan or group new to the course has no watermark, so it receives every row.
 */
export const courseWatermarkKey = (moodleIdnumber: string, target: string): string => `${moodleIdnumber}|${target}`;

export function emptySyncReport<Course extends CourseSyncCounts>(watermarks: Record<string, number>): SyncReport<Course> {
  return { courses: [], totals: { created: 0, updated: 0, unchanged: 0, skipped: 0, failedCourses: 0, unmappedCourses: 0 }, watermarks };
}

export function addCourse<Course extends CourseSyncCounts>(report: SyncReport<Course>, course: Course): void {
  report.courses.push(course);
  report.totals.created += course.created;
  report.totals.updated += course.updated;
  report.totals.unchanged += course.unchanged;
  report.totals.skipped += Object.values(course.skipped).reduce<number>((sum, n) => sum + (n ?? 0), 0);
  if (course.status === 'failed') report.totals.failedCourses += 1;
  if (course.status === 'unmapped') report.totals.unmappedCourses += 1;
}

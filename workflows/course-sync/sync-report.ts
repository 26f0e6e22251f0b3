/** What every course of a grade or attendance sync contributes to the run's report. */
export interface CourseSyncCounts {
  status: 'synced' | 'unmapped' | 'failed';
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
  /** Moodle course idnumber → newest change written through. The next run starts there. */
  watermarks: Record<string, number>;
}

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

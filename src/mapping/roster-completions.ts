/**
 * Moodle course completion → the date ERPNext's Course Enrollment carries. Pure and workflow-safe.
 *
 * `core_completion_get_course_completion_status` says whether the course is complete but carries
 * no course-level `timecompleted`, only each criterion's (captures 258, 266–272). With aggregation
 * ALL (1, the only one the captures show) the course completes when its last criterion does, so
 * the latest criterion time is the completion; with ANY (2; both constants from Moodle 4.1's source,
 * lib/completionlib.php, no capture shows ANY) the first.
 */

export interface CriterionStatus {
  complete: boolean;
  timecompleted?: number | null;
}

export interface CourseCompletionStatus {
  completed: boolean;
  aggregation?: number;
  completions: CriterionStatus[];
}

const aggregationAny = 2;

/** Unix time the course was completed, or null while it is not. */
export function courseCompletedAt(status: CourseCompletionStatus): number | null {
  if (!status.completed) return null;
  const times = status.completions.filter((c) => c.complete && typeof c.timecompleted === 'number').map((c) => c.timecompleted as number);
  if (times.length === 0) return null;
  return status.aggregation === aggregationAny ? Math.min(...times) : Math.max(...times);
}

/** The calendar day (YYYY-MM-DD) of a Unix time in the institution's timezone: ERPNext Date fields have no time. */
export function completionDate(unixSeconds: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(unixSeconds * 1000));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

export interface MoodleCompletion {
  /** Moodle user idnumber = ERPNext Student. */
  student: string;
  completedAt: number;
}

export interface EnrollmentCompletion {
  /** Course Enrollment name. */
  name: string;
  student: string;
  /** The completion date already written, or null. */
  completionDate: string | null;
}

export type CompletionSkipReason = 'no-course-enrollment';

export interface CompletionWrites {
  write: { name: string; student: string; date: string }[];
  unchanged: number;
  skipped: { student: string; reason: CompletionSkipReason }[];
}

/**
 * Only differences are written: a completion ERPNext already holds with that date writes nothing.
 * Moodle does not revoke a completion (272), so an enrollment Moodle shows incomplete is left as
 * it is rather than cleared.
 */
export function planCompletionWrites(completions: MoodleCompletion[], enrollments: EnrollmentCompletion[], timeZone: string): CompletionWrites {
  const byStudent = new Map(enrollments.map((enrollment) => [enrollment.student, enrollment]));
  const plan: CompletionWrites = { write: [], unchanged: 0, skipped: [] };
  for (const completion of completions) {
    const enrollment = byStudent.get(completion.student);
    if (!enrollment) {
      plan.skipped.push({ student: completion.student, reason: 'no-course-enrollment' });
      continue;
    }
    const date = completionDate(completion.completedAt, timeZone);
    if (enrollment.completionDate === date) plan.unchanged += 1;
    else plan.write.push({ name: enrollment.name, student: completion.student, date });
  }
  return plan;
}

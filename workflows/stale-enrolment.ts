import type { HandedCourseEnrollment } from '../activities/erpnext';
import type { LifecyclePolicy } from '../src/mapping/lifecycle-policy';
import { erpnext, moodle } from './lifecycle-activities';

/**
 * An enrolment and a withdrawal of the same Program Enrollment can overlap: a run that read the
 * enrollment submitted just before the registrar cancelled it may land its enrol in Moodle after
 * the withdrawal looked and found nothing active to withdraw (moodleWithdrawStudent skips courses
 * the student is not active in). The 429-storm chaos scenario showed it: Retry-After delays
 * stretch each run to tens of seconds, and a withdrawn student kept a cancelled program's courses.
 * So the withdrawal tells the runs that may still be enrolling (admission-handover.ts), and each,
 * after its enrol, reads what the student is still granted and withdraws the rest. A run that had
 * already finished when told enrolled before the withdrawal's own Moodle call, which covers it.
 */
export interface StaleEnrolmentCheck {
  studentId: string;
  userId: number;
  roleId: number;
  mode: LifecyclePolicy['withdrawal'];
  /** What the run enrolled, by course idnumber and Moodle id. */
  enrolled: { idnumber: string; id: number }[];
  /** Course Enrollments handed to the run: they grant their course while they exist. */
  courseEnrollments?: HandedCourseEnrollment[];
}

/** Withdraws the enrolled courses nothing grants any more; returns their idnumbers. */
export async function withdrawNoLongerGranted(check: StaleEnrolmentCheck): Promise<string[]> {
  const { studentId, courseEnrollments } = check;
  const granted = await erpnext.erpnextCoursesGranted(courseEnrollments && courseEnrollments.length > 0 ? { studentId, courseEnrollments } : { studentId });
  const still = new Set(granted.courseIdnumbers);
  const stale = check.enrolled.filter((course) => !still.has(course.idnumber));
  if (stale.length === 0) return [];
  await moodle.moodleWithdrawStudent({ userId: check.userId, courseIds: stale.map((c) => c.id), roleId: check.roleId, mode: check.mode });
  return stale.map((c) => c.idnumber);
}

import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { CourseEnrollmentChange } from '../activities/erpnext';
import type { WithdrawalResult } from '../activities/moodle';
import type { LifecyclePolicy } from '../src/mapping/lifecycle-policy';
import { StudentId } from '../src/common/search-attributes';
import { admissionEventHandler } from './admission-handover';
import { erpnext, moodle } from './lifecycle-activities';
import { onboardedMoodleUserId } from './student-account';
import { showActivityWaits } from './waiting-on';

/** A single Course Enrollment event; its links come from the webhook because on_trash leaves nothing to re-read. */
export interface CourseEnrollmentInput {
  courseEnrollment: string;
  student: string;
  course: string;
  programEnrollment: string;
  policy: LifecyclePolicy;
}

export interface CourseEnrollmentResult {
  courseEnrollment: string;
  /**
   * `covered-by-program-enrollment`: submitting or cancelling the Program Enrollment made this
   * change, and its workflow handles it (or the student's completed onboarding already enrolled
   * it: the event is then not read, and `courseIdnumber` is empty). `handed-to-onboarding`: the
   * student's onboarding was still running and took the change into its one enrolment
   * (admission-handover.ts).
   */
  outcome: 'handed-to-onboarding' | 'enrolled' | 'withdrawn' | 'kept' | 'stale-event' | 'covered-by-program-enrollment' | 'awaiting-onboarding' | 'no-moodle-account' | 'no-moodle-course';
  courseIdnumber: string;
  moodleUserId: number | null;
  withdrawal?: WithdrawalResult;
}

/** Marks runs that treat a Course Enrollment of a cancelled Program Enrollment as stale; older histories replay the enrol. */
const cancelledProgramPatch = 'course-enrollment-of-cancelled-program-is-stale';

/** Course Enrollment inserted (single-course change): enrol the student in that Moodle course. */
export async function enrollCourse(input: CourseEnrollmentInput): Promise<CourseEnrollmentResult> {
  showActivityWaits();
  const { policy, ...event } = input;
  // A Course Enrollment of an admission (Education made it on the Program Enrollment's submit).
  const handler = event.programEnrollment ? await admissionEventHandler(event.student, event.programEnrollment, { courseEnrollment: { courseEnrollment: event.courseEnrollment, course: event.course } }) : 'own';
  if (handler !== 'own') {
    upsertSearchAttributes([{ key: StudentId, value: event.student }]);
    // The course's Moodle idnumber is onboarding's to work out; nothing here read it.
    return { courseEnrollment: input.courseEnrollment, courseIdnumber: '', moodleUserId: null, outcome: handler === 'handed' ? 'handed-to-onboarding' : 'covered-by-program-enrollment' };
  }
  const state = await erpnext.erpnextCourseEnrollmentChange(event);
  upsertSearchAttributes([{ key: StudentId, value: state.student }]);
  const result = { courseEnrollment: input.courseEnrollment, courseIdnumber: state.courseIdnumber, moodleUserId: null };
  if (!state.exists) return { ...result, outcome: 'stale-event' };
  if (coveredByProgramEnrollment(state, 1)) return { ...result, outcome: 'covered-by-program-enrollment' };
  // Read between the registrar's cancel and Education's delete of its Course Enrollments (the
  // document, then its cancelled Program Enrollment): the event is already undone, and an enrol
  // now would land after the withdrawal. Seen in the 429-storm chaos scenario at full size.
  if (state.programEnrollmentStatus === 2 && patched(cancelledProgramPatch)) return { ...result, outcome: 'stale-event' };
  const moodleUserId = await onboardedMoodleUserId(state.student);
  if (moodleUserId === null) return { ...result, outcome: 'awaiting-onboarding' };
  const { courses } = await moodle.moodleResolveCourses([state.courseIdnumber]);
  if (courses.length === 0) return { ...result, moodleUserId, outcome: 'no-moodle-course' };
  await moodle.moodleEnrolStudent({ userId: moodleUserId, courseIds: courses.map((c) => c.id), roleId: policy.studentRoleId });
  return { ...result, moodleUserId, outcome: 'enrolled' };
}

/** Course Enrollment deleted: withdraw from that Moodle course unless another submitted Program Enrollment still grants it. */
export async function withdrawCourse(input: CourseEnrollmentInput): Promise<CourseEnrollmentResult> {
  showActivityWaits();
  const { policy, ...event } = input;
  const state = await erpnext.erpnextCourseEnrollmentChange(event);
  upsertSearchAttributes([{ key: StudentId, value: state.student }]);
  const result = { courseEnrollment: input.courseEnrollment, courseIdnumber: state.courseIdnumber, moodleUserId: null };
  if (state.exists) return { ...result, outcome: 'stale-event' };
  if (coveredByProgramEnrollment(state, 2)) return { ...result, outcome: 'covered-by-program-enrollment' };
  if ((await erpnext.erpnextCoursesGranted({ studentId: state.student })).courseIdnumbers.includes(state.courseIdnumber)) return { ...result, outcome: 'kept' };
  const moodleUserId = await onboardedMoodleUserId(state.student);
  if (moodleUserId === null) return { ...result, outcome: 'no-moodle-account' };
  const { courses } = await moodle.moodleResolveCourses([state.courseIdnumber]);
  if (courses.length === 0) return { ...result, moodleUserId, outcome: 'no-moodle-course' };
  const withdrawal = await moodle.moodleWithdrawStudent({
    userId: moodleUserId,
    courseIds: courses.map((c) => c.id),
    roleId: policy.studentRoleId,
    mode: policy.withdrawal,
  });
  return { ...result, moodleUserId, outcome: 'withdrawn', withdrawal };
}

/**
 * Education creates a Course Enrollment per program course when a Program Enrollment is submitted
 * and deletes them on cancel; those changes belong to enrollProgram / withdrawProgram, which make
 * them in one batch. Only other single-course changes are acted on here.
 */
function coveredByProgramEnrollment(change: CourseEnrollmentChange, docstatus: 1 | 2): boolean {
  return change.programEnrollmentStatus === docstatus && change.programGrantsCourse;
}

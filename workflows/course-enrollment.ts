import { upsertSearchAttributes } from '@temporalio/workflow';
import type { WithdrawalResult } from '../activities/moodle';
import type { LifecyclePolicy } from '../src/mapping/lifecycle-policy';
import { StudentId } from '../src/temporal/search-attributes';
import { erpnext, moodle } from './lifecycle-activities';
import { coursesStillGranted } from './program-courses';
import { onboardedMoodleUserId } from './student-account';

/** A single Course Enrollment event; student and course come from the webhook because on_trash leaves nothing to re-read. */
export interface CourseEnrollmentInput {
  courseEnrollment: string;
  student: string;
  course: string;
  policy: LifecyclePolicy;
}

export interface CourseEnrollmentResult {
  courseEnrollment: string;
  outcome: 'enrolled' | 'withdrawn' | 'kept' | 'stale-event' | 'awaiting-onboarding' | 'no-moodle-account' | 'no-moodle-course';
  courseIdnumber: string;
  moodleUserId: number | null;
  withdrawal?: WithdrawalResult;
}

/** Course Enrollment inserted (single-course change): enrol the student in that Moodle course. */
export async function enrollCourse(input: CourseEnrollmentInput): Promise<CourseEnrollmentResult> {
  const state = await erpnext.erpnextCourseEnrollmentState({ name: input.courseEnrollment, student: input.student, course: input.course });
  upsertSearchAttributes([{ key: StudentId, value: state.student }]);
  const result = { courseEnrollment: input.courseEnrollment, courseIdnumber: state.courseIdnumber, moodleUserId: null };
  if (!state.exists) return { ...result, outcome: 'stale-event' };
  const moodleUserId = await onboardedMoodleUserId(state.student);
  if (moodleUserId === null) return { ...result, outcome: 'awaiting-onboarding' };
  const { courses } = await moodle.moodleResolveCourses([state.courseIdnumber]);
  if (courses.length === 0) return { ...result, moodleUserId, outcome: 'no-moodle-course' };
  await moodle.moodleEnrolStudent({ userId: moodleUserId, courseIds: courses.map((c) => c.id), roleId: input.policy.studentRoleId });
  return { ...result, moodleUserId, outcome: 'enrolled' };
}

/** Course Enrollment deleted: withdraw from that Moodle course unless another submitted Program Enrollment still grants it. */
export async function withdrawCourse(input: CourseEnrollmentInput): Promise<CourseEnrollmentResult> {
  const state = await erpnext.erpnextCourseEnrollmentState({ name: input.courseEnrollment, student: input.student, course: input.course });
  upsertSearchAttributes([{ key: StudentId, value: state.student }]);
  const result = { courseEnrollment: input.courseEnrollment, courseIdnumber: state.courseIdnumber, moodleUserId: null };
  if (state.exists) return { ...result, outcome: 'stale-event' };
  if ((await coursesStillGranted(state.student)).has(state.courseIdnumber)) return { ...result, outcome: 'kept' };
  const moodleUserId = await onboardedMoodleUserId(state.student);
  if (moodleUserId === null) return { ...result, outcome: 'no-moodle-account' };
  const { courses } = await moodle.moodleResolveCourses([state.courseIdnumber]);
  if (courses.length === 0) return { ...result, moodleUserId, outcome: 'no-moodle-course' };
  const withdrawal = await moodle.moodleWithdrawStudent({
    userId: moodleUserId,
    courseIds: courses.map((c) => c.id),
    roleId: input.policy.studentRoleId,
    mode: input.policy.withdrawal,
  });
  return { ...result, moodleUserId, outcome: 'withdrawn', withdrawal };
}

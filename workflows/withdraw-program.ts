import { upsertSearchAttributes } from '@temporalio/workflow';
import type { WithdrawalResult } from '../activities/moodle';
import type { LifecyclePolicy } from '../src/mapping/lifecycle-policy';
import { Program, StudentId } from '../src/common/search-attributes';
import { tellEnrollingRuns } from './admission-handover';
import { erpnext, moodle } from './lifecycle-activities';
import { resolveProgramCourses } from './program-courses';
import { onboardedMoodleUserId } from './student-account';
import { showActivityWaits } from './waiting-on';

export interface WithdrawProgramInput {
  programEnrollment: string;
  policy: LifecyclePolicy;
}

export interface WithdrawProgramResult {
  programEnrollment: string;
  outcome: 'withdrawn' | 'not-cancelled' | 'no-moodle-account';
  mode: LifecyclePolicy['withdrawal'];
  /** Moodle course ids, by what happened to them. */
  withdrawal: WithdrawalResult;
  /** Course idnumbers left alone because another submitted Program Enrollment still grants them. */
  keptForOtherEnrollments: string[];
}

/** Program Enrollment cancelled: suspend or unenrol the program's Moodle courses, per the mapping's withdrawal policy. */
export async function withdrawProgram(input: WithdrawProgramInput): Promise<WithdrawProgramResult> {
  showActivityWaits();
  const pe = await erpnext.erpnextGetProgramEnrollment(input.programEnrollment);
  upsertSearchAttributes([
    { key: StudentId, value: pe.student },
    { key: Program, value: pe.program },
  ]);
  const mode = input.policy.withdrawal;
  const nothing = { programEnrollment: pe.name, mode, withdrawal: { suspended: [], unenrolled: [], keptForGrades: [] }, keptForOtherEnrollments: [] };
  if (pe.docstatus !== 2) return { ...nothing, outcome: 'not-cancelled' };
  // An enrolment that read this enrollment submitted may still be on its way to Moodle.
  await tellEnrollingRuns(pe.student, { programEnrollment: pe.name, mode });
  const moodleUserId = await onboardedMoodleUserId(pe.student);
  if (moodleUserId === null) return { ...nothing, outcome: 'no-moodle-account' };

  const { courses } = await resolveProgramCourses(pe.program);
  const granted = new Set((await erpnext.erpnextCoursesGranted({ studentId: pe.student, exceptProgramEnrollment: pe.name })).courseIdnumbers);
  const leaving = courses.filter((course) => !granted.has(course.idnumber));
  const withdrawal = await moodle.moodleWithdrawStudent({ userId: moodleUserId, courseIds: leaving.map((c) => c.id), roleId: input.policy.studentRoleId, mode });
  return {
    programEnrollment: pe.name,
    outcome: 'withdrawn',
    mode,
    withdrawal,
    keptForOtherEnrollments: courses.filter((course) => granted.has(course.idnumber)).map((c) => c.idnumber),
  };
}

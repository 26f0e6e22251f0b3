import { setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { LifecyclePolicy } from '../src/mapping/lifecycle-policy';
import { Program, StudentId } from '../src/common/search-attributes';
import { admissionChangeSignal, admissionEventHandler, type ProgramWithdrawn } from './admission-handover';
import { erpnext, moodle } from './lifecycle-activities';
import { resolveProgramCourses } from './program-courses';
import { onboardedMoodleUserId } from './student-account';
import { withdrawNoLongerGranted } from './stale-enrolment';
import { showActivityWaits } from './waiting-on';

export interface EnrollProgramInput {
  programEnrollment: string;
  /** The webhook's Student (its body is signed): whose onboarding may take this enrolment over. */
  student?: string;
  policy: LifecyclePolicy;
}

export interface EnrollProgramResult {
  programEnrollment: string;
  /**
   * `awaiting-onboarding`: no Moodle account yet, or the student's onboarding is still running and
   * took the enrolment over (admission-handover.ts); onboarding enrols this program.
   * `enrolled-by-onboarding`: the student's completed onboarding read this enrollment submitted
   * and enrolled its courses; nothing was read or sent again.
   */
  outcome: 'enrolled' | 'not-submitted' | 'awaiting-onboarding' | 'enrolled-by-onboarding';
  moodleUserId: number | null;
  enrolledCourses: string[];
  /** Program courses with no Moodle course: reported, the rest still enrolled. */
  missingCourses: string[];
}

/** Program Enrollment submitted: enrol the student in all the program's Moodle courses in one batched call. */
export async function enrollProgram(input: EnrollProgramInput): Promise<EnrollProgramResult> {
  showActivityWaits();
  // A withdrawal of this enrollment while it runs (stale-enrolment.ts).
  const withdrawals: ProgramWithdrawn[] = [];
  setHandler(admissionChangeSignal, (change) => {
    if ('programWithdrawn' in change) withdrawals.push(change.programWithdrawn);
  });
  if (input.student !== undefined) {
    const handler = await admissionEventHandler(input.student, input.programEnrollment, { programEnrollment: input.programEnrollment });
    if (handler !== 'own') {
      upsertSearchAttributes([{ key: StudentId, value: input.student }]);
      return { programEnrollment: input.programEnrollment, outcome: handler === 'handed' ? 'awaiting-onboarding' : 'enrolled-by-onboarding', moodleUserId: null, enrolledCourses: [], missingCourses: [] };
    }
  }
  const pe = await erpnext.erpnextGetProgramEnrollment(input.programEnrollment);
  upsertSearchAttributes([
    { key: StudentId, value: pe.student },
    { key: Program, value: pe.program },
  ]);
  const nothing = { programEnrollment: pe.name, moodleUserId: null, enrolledCourses: [], missingCourses: [] };
  if (pe.docstatus !== 1) return { ...nothing, outcome: 'not-submitted' };
  const moodleUserId = await onboardedMoodleUserId(pe.student);
  if (moodleUserId === null) return { ...nothing, outcome: 'awaiting-onboarding' };

  const { courses, missing } = await resolveProgramCourses(pe.program);
  await moodle.moodleEnrolStudent({ userId: moodleUserId, courseIds: courses.map((c) => c.id), roleId: input.policy.studentRoleId });
  const withdrawn = withdrawals.length === 0 ? [] : await withdrawNoLongerGranted({ studentId: pe.student, userId: moodleUserId, roleId: input.policy.studentRoleId, mode: withdrawals[withdrawals.length - 1].mode, enrolled: courses });
  const enrolledCourses = courses.map((c) => c.idnumber).filter((idnumber) => !withdrawn.includes(idnumber));
  return { programEnrollment: pe.name, outcome: 'enrolled', moodleUserId, enrolledCourses, missingCourses: missing };
}

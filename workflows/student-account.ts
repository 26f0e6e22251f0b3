import { ApplicationFailure } from '@temporalio/workflow';
import { moodle } from './lifecycle-activities';

export const studentAccountFailureTypes = {
  /** Several Moodle accounts carry the Student name as idnumber (Moodle does not enforce uniqueness). */
  duplicateIdnumber: 'DuplicateIdnumber',
} as const;

/**
 * The Moodle user id of an onboarded student, or null when onboarding has not created it yet
 * (onboarding enrols every submitted Program Enrollment itself once the account exists).
 */
export async function onboardedMoodleUserId(student: string): Promise<number | null> {
  const accounts = await moodle.moodleFindAccountsByIdnumber(student);
  if (accounts.length > 1) {
    throw ApplicationFailure.create({
      message: `Moodle accounts ${accounts.map((a) => a.id).join(', ')} all carry idnumber ${student}; keep one and clear the others' idnumber, then retry`,
      type: studentAccountFailureTypes.duplicateIdnumber,
      nonRetryable: true,
    });
  }
  return accounts[0]?.id ?? null;
}

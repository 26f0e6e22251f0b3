/** Why a record read from Moodle (a course total, an attendance mark) belongs to no Student that ERPNext accepts it for. */
export type AttributionSkipReason = 'no-student-idnumber' | 'not-in-student-group';

export interface AttributionSkip {
  moodleUserId: number;
  studentId?: string;
  reason: AttributionSkipReason;
}

/**
 * The skip for a record that cannot be written for a Student, or undefined when it can: the
 * Moodle account must carry the Student's name as its idnumber (the link onboarding writes), and
 * that student must be active in the Student Group, since Education rejects records for anyone else.
 */
export function attributionSkip(record: { moodleUserId: number; studentId: string }, activeStudents: ReadonlySet<string>): AttributionSkip | undefined {
  if (record.studentId === '') return { moodleUserId: record.moodleUserId, reason: 'no-student-idnumber' };
  if (!activeStudents.has(record.studentId)) return { moodleUserId: record.moodleUserId, studentId: record.studentId, reason: 'not-in-student-group' };
  return undefined;
}

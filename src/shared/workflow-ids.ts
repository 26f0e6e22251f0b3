/**
 * Workflow ids are business keys: a repeated webhook maps to the same id, so it can never start a
 * second run of the same business event.
 */
export const workflowIds = {
  onboard: (student: string) => `onboard:${student}`,
  enroll: (programEnrollment: string) => `enroll:${programEnrollment}`,
  withdraw: (programEnrollment: string) => `withdraw:${programEnrollment}`,
  courseEnrollment: (courseEnrollment: string, event: string) => `course-enrollment:${courseEnrollment}:${event}`,
  profile: (student: string) => `profile:${student}`,
  elective: (moodleUserId: number, moodleCourseId: number) => `elective:${moodleUserId}:${moodleCourseId}`,
  backfill: (run: string) => `backfill:${run}`,
  grades: (at: string) => `grades:${at}`,
  attendance: (at: string) => `attendance:${at}`,
} as const;

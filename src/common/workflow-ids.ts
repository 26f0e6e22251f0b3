/**
 * Workflow ids are business keys: a repeated webhook maps to the same id, so it can never start a
 * second run of the same business event.
 */
export const workflowIds = {
  onboard: (student: string) => `onboard:${student}`,
  enroll: (programEnrollment: string) => `enroll:${programEnrollment}`,
  /**
   * A cancel carries the cancelled version's `modified`: a cancelled document never changes again,
   * so the real cancel always maps here, while an early or replayed body naming another version
   * (which the workflow finds not cancelled) cannot take this id from it.
   */
  withdraw: (programEnrollment: string, modified: string) => `withdraw:${programEnrollment}@${modified}`,
  courseEnrollment: (courseEnrollment: string, event: string) => `course-enrollment:${courseEnrollment}:${event}`,
  profile: (student: string) => `profile:${student}`,
  /** `at` is an ISO time for an on-demand run, or `nightly` for the Schedule (the server appends the scheduled time). */
  grades: (at: string) => `grades:${at}`,
  attendance: (at: string) => `attendance:${at}`,
  /** One course of a grade or attendance run: a child of that run, keyed by Moodle course idnumber. */
  courseSync: (run: string, moodleIdnumber: string) => `${run}/${moodleIdnumber}`,
  /** One paid elective seat: the webhook and the enrolment poll both land here, so it is billed once. */
  elective: (moodleUserId: number, moodleCourseId: number) => `elective:${moodleUserId}:${moodleCourseId}`,
  /** The enrolment poll of the paid courses; the Schedule's runs get the scheduled time appended. */
  electivePoll: (at: string) => `electives-poll:${at}`,
  /** The change feed; the Schedule's runs get the scheduled time appended. */
  changeFeed: (at: string) => `change-feed:${at}`,
  /** One backfill run: `at` is the ISO time it was asked for (or an operator's chosen name). */
  backfill: (at: string) => `backfill:${at}`,
  /** One batch of a backfill run; `phase` is `plan` or `sync`, so a planning pass and the writes never share an id. */
  backfillBatch: (run: string, phase: string, batch: number) => `${run}/${phase}-${batch}`,
} as const;

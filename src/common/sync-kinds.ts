/**
 * The value the SyncKind search attribute carries for each process, so an operator can filter the
 * Web UI by it. Starters set it; tests and the admin API read it back.
 */
export const syncKinds = {
  onboard: 'onboard',
  enroll: 'enroll',
  withdraw: 'withdraw',
  profile: 'profile',
  courseEnrol: 'course-enrol',
  courseWithdraw: 'course-withdraw',
  grades: 'grades',
  attendance: 'attendance',
  completions: 'completions',
  reconcile: 'reconcile',
  elective: 'elective',
  electivePoll: 'electives-poll',
  backfill: 'backfill',
  changeFeed: 'change-feed',
} as const;

export type SyncKindValue = (typeof syncKinds)[keyof typeof syncKinds];

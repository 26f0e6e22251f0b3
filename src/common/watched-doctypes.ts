import { rosterDoctypes } from './roster-ids';

/**
 * The ERPNext DocTypes the change feed lists (workflow-safe: the feed workflow iterates them). A
 * later DocType plugs in with one entry here, its columns in activities/erpnext-change-feed.ts and
 * its events in workflows/change-feed-events.ts.
 */
export const watchedDoctypes = ['Student', 'Program Enrollment', 'Course Enrollment', ...rosterDoctypes] as const;

export type WatchedDoctype = (typeof watchedDoctypes)[number];

/** A listed document, reduced to what its events need (each DocType fills its own fields). */
export interface FeedDocument {
  name: string;
  /** Frappe's `modified`, as listed. */
  modified: string;
  docstatus?: number;
  student?: string;
  program?: string;
  course?: string;
  programEnrollment?: string;
  /** Course Schedule: its Student Group, which the schedule's change provisions. */
  studentGroup?: string;
  /** Student: onboarding has written the Moodle user id back. */
  moodleLinked?: boolean;
  /** Student: of the fields Moodle mirrors (src/webhooks/student-profile.ts). */
  profileFingerprint?: string;
}

import { Context } from '@temporalio/activity';
import type { Mapping } from '../src/config/mapping-file';
import type { ErpnextClient } from '../src/erpnext/client';
import { createChangedDocuments, type ChangedRow } from '../src/erpnext/resources/changed-documents';
import { moodleUserIdField } from '../src/erpnext/resources/students';
import type { FeedDocument, WatchedDoctype } from '../src/common/watched-doctypes';
import { recordChangeFeedCaughtUp } from '../src/metrics/worker-metrics';
import { studentProfileFields, studentProfileFingerprint } from '../src/webhooks/student-profile';
import { activityCall } from './activity-call';
import { withFailureMapping } from './failure';

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

type FeedColumns = Record<WatchedDoctype, { fields: string[]; read(row: ChangedRow): Omit<FeedDocument, 'name' | 'modified'> }>;

/**
 * Per watched DocType: the columns its events need (fields minimal) and how a row reads. A
 * Student lists the fields Moodle mirrors, so the profile workflow can skip a save (onboarding's
 * own write-back) that left them as last synced, as it does for a webhook body.
 */
const feedColumns = (profileFields: string[]): FeedColumns => ({
  Student: {
    fields: [moodleUserIdField.fieldname, ...profileFields],
    read: (row) => ({
      // An Int Custom Field lists as 0 until onboarding writes it.
      moodleLinked: Number(row[moodleUserIdField.fieldname] ?? 0) > 0,
      profileFingerprint: studentProfileFingerprint(row, profileFields),
    }),
  },
  'Program Enrollment': {
    fields: ['docstatus', 'student', 'program'],
    read: (row) => ({ docstatus: Number(row.docstatus ?? 0), student: text(row.student), program: text(row.program) }),
  },
  'Course Enrollment': {
    fields: ['student', 'course', 'program_enrollment'],
    read: (row) => ({ student: text(row.student), course: text(row.course), programEnrollment: text(row.program_enrollment) }),
  },
  // Roster documents: the name and version are all a provisioning trigger needs.
  'Student Group': { fields: [], read: () => ({}) },
  Instructor: { fields: [], read: () => ({}) },
  Course: { fields: [], read: () => ({}) },
  Program: { fields: [], read: () => ({}) },
  'Course Schedule': { fields: ['student_group'], read: (row) => ({ studentGroup: text(row.student_group) }) },
});

/** The change feed's ERPNext reads, on the erpnext queue under its rate limit. */
export function createErpnextChangeFeedActivities(erp: ErpnextClient, mapping: Pick<Mapping, 'customFields'>) {
  const changed = createChangedDocuments(erp);
  const columnsOf = feedColumns(studentProfileFields(Object.keys(mapping.customFields)));
  return withFailureMapping({
    /** One page of a watched DocType's documents modified at or after `since` (keyset paging, see the resource). */
    async erpnextChangedDocuments(request: { doctype: WatchedDoctype; since: string | null; skip: number; limit: number }): Promise<FeedDocument[]> {
      const columns = columnsOf[request.doctype];
      const rows = await changed.page(request.doctype, { ...request, fields: columns.fields }, activityCall());
      // A short page is the end of the DocType's changes: the feed is caught up as of now.
      if (rows.length < request.limit) recordChangeFeedCaughtUp(Context.current().metricMeter, request.doctype);
      return rows.map((row) => ({ name: row.name, modified: row.modified, ...columns.read(row) }));
    },

    /** Where a feed that has never run starts: the newest `modified` of the DocType. */
    async erpnextNewestModified(doctype: WatchedDoctype): Promise<string | null> {
      return changed.newestModified(doctype, activityCall());
    },

    /** The Course Enrollments among these names that still exist. */
    async erpnextExistingCourseEnrollments(names: string[]): Promise<string[]> {
      return changed.existingNames('Course Enrollment', names, activityCall());
    },
  });
}

export type ErpnextChangeFeedActivities = ReturnType<typeof createErpnextChangeFeedActivities>;

import { z } from 'zod';
import type { Mapping } from '../src/config/mapping-file';
import type { CallOptions, ErpnextClient, FilterCondition } from '../src/erpnext/client';
import { createPrograms } from '../src/erpnext/resources/programs';
import { moodleUserIdField, studentSchema } from '../src/erpnext/resources/students';
import type { BackfillStudent } from '../src/mapping/backfill-plan';
import { desiredMoodleUser } from '../src/mapping/moodle-user';
import { studentProfileFields, studentProfileFingerprint } from '../src/webhooks/student-profile';
import { programCourseIdnumbers } from '../src/mapping/program-courses';
import { batches, erpnextInsertManyLimit } from '../src/common/batches';
import { activityCall } from './activity-call';
import { withFailureMapping } from './failure';

/** One page of Students, with what could not be read reported instead of guessed. */
export interface BackfillPage {
  students: BackfillPageStudent[];
  unreadable: { student: string; reason: string }[];
  /** The last Student name of the page; null once past the last Student. */
  next: string | null;
}

/** A Student of a page, with the fingerprint of the profile fields its `desired` comes from (src/webhooks/student-profile.ts). */
export interface BackfillPageStudent extends BackfillStudent {
  /** Absent in pages read before it existed (histories of older runs). */
  profileFingerprint?: string;
}

export interface LinkWriteBack {
  student: string;
  moodleUserId: number;
}

type Filters = FilterCondition[];

const studentColumns = ['name', 'first_name', 'middle_name', 'last_name', 'student_email_id', 'student_mobile_number', 'address_line_1', 'address_line_2', 'city', moodleUserIdField.fieldname];
const enrollmentRow = z.object({ student: z.string(), program: z.string() });
const bulkUpdateAnswer = z.object({ failed_docs: z.array(z.looseObject({ doc: z.looseObject({ docname: z.string() }) })) });

/**
 * Writes Student.custom_moodle_user_id with `frappe.client.bulk_update` (docs as a JSON string,
 * 095/096), at most 200 per request. Each document saves on its own, so a retry rewrites the same
 * values: idempotent. Returns the Students ERPNext refused. The backfill and the burst write-back
 * (activities/burst/) both use it.
 */
export async function writeMoodleUserIds(erp: ErpnextClient, links: LinkWriteBack[], call?: CallOptions): Promise<{ failed: string[] }> {
  const failed: string[] = [];
  for (const part of batches(links, erpnextInsertManyLimit)) {
    const docs = part.map((link) => ({ doctype: 'Student', docname: link.student, [moodleUserIdField.fieldname]: link.moodleUserId }));
    const answer = bulkUpdateAnswer.parse(await erp.callMethod('frappe.client.bulk_update', { docs: JSON.stringify(docs) }, 'POST', call));
    failed.push(...answer.failed_docs.map((entry) => entry.doc.docname));
  }
  return { failed };
}

/**
 * ERPNext reads and write-backs of the backfill. Pages are read by a `name` cursor with short
 * filters, so no request line comes near gunicorn's 4094 bytes (045); the write-back goes as a
 * POST body.
 */
export function createErpnextBackfillActivities(erp: ErpnextClient, mapping: Pick<Mapping, 'moodle' | 'customFields' | 'programs' | 'courses'>) {
  const programs = createPrograms(erp);
  const fields = [...new Set([...studentColumns, ...Object.keys(mapping.customFields)])];
  const profileFields = studentProfileFields(Object.keys(mapping.customFields));

  return withFailureMapping({
    /** `frappe.client.get_count` of Students: the total the progress bar counts towards. */
    async erpnextBackfillCount(): Promise<number> {
      return erp.getCount('Student');
    },

    /**
     * Where the next page of `size` Students after `after` (by name) ends, read by name alone: the
     * parent run learns its cursor from this and hands the page's bounds to the batch, which reads
     * the Students itself (erpnextBackfillPage with `upTo`). So a page's Students and programs
     * travel only in the batch's own history, not a hundred at a time in the long-lived parent's.
     */
    async erpnextBackfillPageBounds(input: { after: string | null; size: number }): Promise<{ last: string | null; next: string | null }> {
      const filters: Filters = input.after === null ? [] : [['name', '>', input.after]];
      const rows = await erp.getList('Student', { fields: ['name'], filters, orderBy: 'name asc', limitPageLength: input.size, schema: z.object({ name: z.string() }) }, activityCall());
      const last = rows.at(-1)?.name ?? null;
      return { last, next: rows.length < input.size ? null : last };
    },

    /**
     * The next `size` Students after `after` (by name), or with `upTo` every Student after `after`
     * up to and including `upTo` (a page whose bounds the parent read), or the Students named in
     * `names` (a re-run of failed records, at most backfillLimits.namesPerRequest so the GET stays
     * short); and the programs of their submitted Program Enrollments in one more list read bounded
     * by the page's names.
     */
    async erpnextBackfillPage(input: { after: string | null; size: number; upTo?: string; names?: string[] }): Promise<BackfillPage> {
      const call = activityCall();
      const byName = input.names !== undefined;
      const bounded = input.upTo !== undefined;
      const filters: Filters = byName ? [['name', 'in', input.names]] : [];
      if (!byName && input.after !== null) filters.push(['name', '>', input.after]);
      if (!byName && input.upTo !== undefined) filters.push(['name', '<=', input.upTo]);
      const rows = await erp.getList('Student', { fields, filters, orderBy: 'name asc', limitPageLength: byName || bounded ? 0 : input.size }, call);
      if (rows.length === 0) return { students: [], unreadable: [], next: null };
      const first = String(rows[0]?.name);
      const last = String(rows[rows.length - 1]?.name);
      const enrollmentFilters: Filters = byName ? [['student', 'in', input.names]] : [['student', '>=', first], ['student', '<=', last]];
      const enrollments = await erp.getList(
        'Program Enrollment',
        { fields: ['student', 'program'], filters: [...enrollmentFilters, ['docstatus', '=', 1]], orderBy: 'name asc', limitPageLength: 0, schema: enrollmentRow },
        call,
      );
      const programsOf = new Map<string, string[]>();
      for (const { student, program } of enrollments) programsOf.set(student, [...new Set([...(programsOf.get(student) ?? []), program])]);

      const page: BackfillPage = { students: [], unreadable: [], next: byName || bounded || rows.length < input.size ? null : last };
      for (const row of rows) {
        const parsed = studentSchema.safeParse(row);
        if (!parsed.success) {
          page.unreadable.push({ student: String(row.name), reason: `the Student lacks ${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')}` });
          continue;
        }
        const student = parsed.data;
        page.students.push({
          name: student.name,
          desired: desiredMoodleUser(student, mapping),
          profileFingerprint: studentProfileFingerprint(student, profileFields),
          linkedMoodleUserId: student[moodleUserIdField.fieldname] ?? 0,
          programs: programsOf.get(student.name) ?? [],
        });
      }
      return page;
    },

    /** Every Program's Moodle course idnumbers (one read per Program: there are few). */
    async erpnextBackfillProgramCourses(): Promise<Record<string, string[]>> {
      const call = activityCall();
      const names = await erp.getList('Program', { fields: ['name'], limitPageLength: 0, schema: z.object({ name: z.string() }) }, call);
      const courses: Record<string, string[]> = {};
      for (const { name } of names) courses[name] = programCourseIdnumbers(name, await programs.courses(name), mapping);
      return courses;
    },

    /** Writes Student.custom_moodle_user_id of the batch (writeMoodleUserIds); returns the Students ERPNext refused. */
    async erpnextBackfillWriteLinks(links: LinkWriteBack[]): Promise<{ failed: string[] }> {
      return writeMoodleUserIds(erp, links, activityCall());
    },
  });
}

export type ErpnextBackfillActivities = ReturnType<typeof createErpnextBackfillActivities>;

import { z } from 'zod';
import { columns } from '../columns';
import type { CallOptions, ErpnextClient } from '../client';

/**
 * The Custom Field on Student that stores the Moodle user id (link data: written by onboarding,
 * never synced back). Named with Frappe v15's `custom_` prefix so the name is the same whether
 * Frappe derives it from the label or takes it as given.
 */
export const moodleUserIdField = {
  dt: 'Student',
  fieldname: 'custom_moodle_user_id',
  label: 'Moodle User ID',
  fieldtype: 'Int',
  insert_after: 'user',
  read_only: 1,
  no_copy: 1,
  description: 'Set by Campus Bridge when the student is onboarded to Moodle.',
} as const;

/**
 * Education's `Student`: the fields the lifecycle reads. Loose, because the mapping file may map
 * any other field (a site's own Custom Fields too) onto a Moodle profile field.
 */
export const studentSchema = z.looseObject({
  name: z.string().min(1),
  first_name: z.string().min(1),
  middle_name: z.string().optional(),
  last_name: z.string().optional(),
  student_email_id: z.string().min(1),
  student_mobile_number: z.string().optional(),
  address_line_1: z.string().optional(),
  address_line_2: z.string().optional(),
  city: z.string().optional(),
  /** An Int Custom Field reads 0 until onboarding writes it (captures 011 and 117): 0 means no link. */
  [moodleUserIdField.fieldname]: z.coerce.number().int().optional(),
});
export type Student = z.infer<typeof studentSchema>;

const emailRow = columns(studentSchema.pick({ name: true, student_email_id: true }));
export type StudentEmailRow = z.infer<typeof emailRow.schema>;

/** DocType `Student`. */
export function createStudents(erp: ErpnextClient) {
  return {
    get: (name: string): Promise<Student> => erp.getDoc('Student', name, { schema: studentSchema }),

    /**
     * Other Students whose email is like this one, a superset of the ones that
     * differ only in case: `like` is case-insensitive on MariaDB (017/018), and the email's own
     * `%` and `_` act as wildcards (019). They are not escaped, because Frappe v15 doubles every
     * backslash in a `like` value (frappe/frappe db_query.py, prepare_filter_condition), so `\_`
     * would look for a literal backslash and match nothing. Callers compare exactly afterwards.
     * Every row is read (two columns): a page limit could cut the real duplicate off behind
     * over-matches.
     */
    listWithEmailLike: (email: string, exceptName: string): Promise<StudentEmailRow[]> =>
      erp.getList('Student', { ...emailRow, filters: [['student_email_id', 'like', email], ['name', '!=', exceptName]], limitPageLength: 0 }),

    /** Writes `Student.custom_moodle_user_id`; `call` carries the caller's cancellation to the PUT. */
    async setMoodleUserId(name: string, moodleUserId: number, call?: CallOptions): Promise<void> {
      await erp.update('Student', name, { [moodleUserIdField.fieldname]: moodleUserId }, { ...call });
    },
  };
}

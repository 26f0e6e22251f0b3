import { z } from 'zod';
import { columns } from '../columns';
import type { ErpnextClient } from '../client';

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
     * Other Students whose email is like this one (at most 20). Frappe's `like` is
     * case-insensitive on MariaDB; `%` and `_` are escaped, so only case can differ, and callers
     * compare exactly to get the same answer on any database.
     */
    listWithEmailLike: (email: string, exceptName: string): Promise<StudentEmailRow[]> =>
      erp.getList('Student', { ...emailRow, filters: [['student_email_id', 'like', email.replace(/[%_]/g, '\\$&')], ['name', '!=', exceptName]], limitPageLength: 20 }),

    /** Writes `Student.custom_moodle_user_id`. */
    async setMoodleUserId(name: string, moodleUserId: number): Promise<void> {
      await erp.update('Student', name, { [moodleUserIdField.fieldname]: moodleUserId });
    },
  };
}

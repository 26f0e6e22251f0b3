import { z } from 'zod';
import type { CallOptions, ErpnextClient } from '../client';
import type { CustomFieldDefinition } from './custom-fields';

/** The Custom Field `setup` adds to Course Enrollment: the day Moodle marked the course complete. */
export const completionDateField = {
  dt: 'Course Enrollment',
  fieldname: 'custom_moodle_completion_date',
  label: 'Moodle Completion Date',
  fieldtype: 'Date',
  insert_after: 'enrollment_date',
  read_only: 1,
  no_copy: 1,
  description: 'Set by Campus Bridge when Moodle marks the course complete.',
} as const satisfies CustomFieldDefinition;

const field = completionDateField.fieldname;

const enrollmentRow = z.looseObject({
  name: z.string(),
  student: z.string(),
  [field]: z.string().nullish(),
});

/** DocType `Course Enrollment`, as the completion sync reads and writes it. */
export function createCourseEnrollmentCompletions(erp: ErpnextClient) {
  return {
    /** Every Course Enrollment of one Course, with the completion date it holds (null when none). */
    async ofCourse(course: string, call?: CallOptions): Promise<{ name: string; student: string; completionDate: string | null }[]> {
      const rows: { name: string; student: string; completionDate: string | null }[] = [];
      const listed = erp.iterate('Course Enrollment', { fields: ['name', 'student', field], filters: [['course', '=', course]], schema: enrollmentRow, pageSize: 1000 }, call);
      for await (const row of listed) rows.push({ name: row.name, student: row.student, completionDate: row[field] ?? null });
      return rows;
    },

    /** Writes one enrollment's completion date (`PUT /api/resource/Course Enrollment/<name>`). */
    async setCompletionDate(name: string, date: string, call?: CallOptions): Promise<void> {
      await erp.update('Course Enrollment', name, { [field]: date }, call);
    },
  };
}

import { z } from 'zod';
import { columns } from '../columns';
import type { CallOptions, ErpnextClient } from '../client';

/** Check fields are 0/1 integers on the wire. */
const check = z.number().int().min(0).max(1);

/** Education's `Student Group` with its child table `Student Group Student`. */
export const studentGroupSchema = z.looseObject({
  name: z.string(),
  course: z.string().optional(),
  students: z.array(z.looseObject({ student: z.string(), active: check.optional() })).default([]),
});

// Rows are filtered by course, so theirs is always set.
const courseRow = columns(studentGroupSchema.pick({ name: true, course: true }).required({ course: true }));

/** DocType `Student Group`. */
export function createStudentGroups(erp: ErpnextClient) {
  return {
    /** Students active in the group: Education accepts Assessment Results and attendance for no one else. */
    async activeStudents(name: string): Promise<string[]> {
      const group = await erp.getDoc('Student Group', name, { schema: studentGroupSchema });
      return group.students.filter((row) => row.active !== 0).map((row) => row.student);
    },

    /** The Course-based, enabled group of each Course (newest first wins), in one paged list read. */
    async byCourse(courses: string[], call?: CallOptions): Promise<Record<string, string>> {
      const groups: Record<string, string> = {};
      if (courses.length === 0) return groups;
      const rows = erp.iterate(
        'Student Group',
        { ...courseRow, filters: [['group_based_on', '=', 'Course'], ['course', 'in', courses], ['disabled', '=', 0]], orderBy: 'creation desc, name desc' },
        call,
      );
      for await (const row of rows) groups[row.course] ??= row.name;
      return groups;
    },
  };
}

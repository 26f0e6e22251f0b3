import { z } from 'zod';
import { columns } from '../columns';
import type { ErpnextClient } from '../client';

/** Education's `Course Enrollment`: one course of a Student, usually made by its Program Enrollment. */
export const courseEnrollmentSchema = z.looseObject({
  name: z.string(),
  student: z.string(),
  course: z.string(),
  program_enrollment: z.string().optional(),
});
export type CourseEnrollment = z.infer<typeof courseEnrollmentSchema>;

const row = columns(courseEnrollmentSchema);

/** DocType `Course Enrollment`. */
export function createCourseEnrollments(erp: ErpnextClient) {
  return {
    /** The enrollment, or undefined when it is gone: a list read, so a deleted document is an empty answer rather than an error to tell apart. */
    async find(name: string): Promise<CourseEnrollment | undefined> {
      const [doc] = await erp.getList('Course Enrollment', { ...row, filters: [['name', '=', name]], limitPageLength: 1 });
      return doc;
    },

    /**
     * Those of `names` that still exist, in one list read (`name in [...]`; a long list is POSTed,
     * see the client's getList), so looking up several costs one request under a rate limit, not one each.
     */
    async findAll(names: string[]): Promise<CourseEnrollment[]> {
      if (names.length === 0) return [];
      return erp.getList('Course Enrollment', { ...row, filters: [['name', 'in', names]], limitPageLength: 0 });
    },
  };
}

import { z } from 'zod';
import { columns } from '../columns';
import type { CallOptions, ErpnextClient } from '../client';

/** Education's `Course` (autoname `field:course_name`: editing course_name later renames nothing, the name stays the key). */
export const courseSchema = z.looseObject({
  name: z.string(),
  course_name: z.string(),
  department: z.string().optional(),
});
export type Course = z.infer<typeof courseSchema>;

const row = columns(courseSchema);

/** DocType `Course`. */
export function createCourses(erp: ErpnextClient) {
  return {
    async list(names: string[], call?: CallOptions): Promise<Course[]> {
      if (names.length === 0) return [];
      const courses: Course[] = [];
      for await (const course of erp.iterate('Course', { ...row, filters: [['name', 'in', names]] }, call)) courses.push(course);
      return courses;
    },
  };
}

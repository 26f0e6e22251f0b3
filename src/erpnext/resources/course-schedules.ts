import { z } from 'zod';
import { columns } from '../columns';
import type { CallOptions, ErpnextClient } from '../client';

/** Education's `Course Schedule`: one class of a Student Group's course, taught by one Instructor. */
export const courseScheduleSchema = z.looseObject({
  name: z.string(),
  student_group: z.string(),
  course: z.string(),
  instructor: z.string(),
});
export type CourseSchedule = z.infer<typeof courseScheduleSchema>;

const row = columns(courseScheduleSchema);

/** DocType `Course Schedule`. */
export function createCourseSchedules(erp: ErpnextClient) {
  return {
    /** The schedules of the given Student Groups, in one paged list read. */
    async ofGroups(groups: string[], call?: CallOptions): Promise<CourseSchedule[]> {
      if (groups.length === 0) return [];
      const schedules: CourseSchedule[] = [];
      for await (const schedule of erp.iterate('Course Schedule', { ...row, filters: [['student_group', 'in', groups]] }, call)) schedules.push(schedule);
      return schedules;
    },
  };
}

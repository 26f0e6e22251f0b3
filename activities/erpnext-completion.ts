import type { ErpnextClient } from '../src/erpnext/client';
import { createCourseEnrollmentCompletions } from '../src/erpnext/resources/course-enrollment-completions';
import type { EnrollmentCompletion } from '../src/mapping/roster-completions';
import { activityCall } from './activity-call';
import { withFailureMapping } from './failure';

/** ERPNext side of the completion sync: the Course Enrollments of a course and their completion dates. */
export function createErpnextCompletionActivities(erp: ErpnextClient) {
  const enrollments = createCourseEnrollmentCompletions(erp);
  return withFailureMapping({
    async erpnextCourseEnrollmentCompletions(course: string): Promise<EnrollmentCompletion[]> {
      return enrollments.ofCourse(course, activityCall());
    },

    /** One PUT per enrollment (a Date field on a plain document); a retry rewrites the same date. */
    async erpnextWriteCompletionDates(writes: { name: string; date: string }[]): Promise<void> {
      const call = activityCall();
      for (const write of writes) await enrollments.setCompletionDate(write.name, write.date, call);
    },
  });
}

export type ErpnextCompletionActivities = ReturnType<typeof createErpnextCompletionActivities>;

import type { MoodleClient } from '../src/moodle/client';
import { courseTotalsSince, type CourseTotalsSince } from '../src/mapping/grades';
import type { MoodleCourseRef } from '../src/mapping/mapped-courses';
import { activityCall } from './activity-call';
import { withFailureMapping } from './failure';
import { keepHeartbeating } from './keep-heartbeating';

/** Moodle reads of the grade sync, closed over one client. */
export function createMoodleGradeActivities(moodle: MoodleClient) {
  return withFailureMapping(
    keepHeartbeating({
      /** Every course with its idnumber (`core_course_get_courses_by_field` without a field). */
      async moodleListCourses(): Promise<MoodleCourseRef[]> {
        const { courses } = await moodle.getCoursesByField('', undefined, activityCall());
        return courses.map((course) => ({ id: course.id, idnumber: course.idnumber ?? '', shortname: course.shortname, format: course.format }));
      },

      /**
       * Course totals graded at or after `since` (`gradereport_user_get_grade_items`, userid 0 =
       * every graded user). Filtering here keeps unchanged grades out of workflow history.
       */
      async moodleReadCourseTotals(input: { courseId: number; since: number }): Promise<CourseTotalsSince> {
        const { usergrades } = await moodle.getGradeItems(input.courseId, undefined, activityCall());
        return courseTotalsSince(usergrades, input.since);
      },
    }),
  );
}

export type MoodleGradeActivities = ReturnType<typeof createMoodleGradeActivities>;

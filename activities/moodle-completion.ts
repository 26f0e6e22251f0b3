import type { MoodleClient } from '../src/moodle/client';
import { MoodleError } from '../src/moodle/errors';
import { courseCompletedAt, type MoodleCompletion } from '../src/mapping/roster-completions';
import { forEachAtMost } from './for-each-at-most';
import { activityCall } from './activity-call';
import { withFailureMapping } from './failure';

/** Status requests in flight at once for one course: Moodle answers one user per request. */
const statusRequestsAtOnce = 4;

export interface CourseCompletionsRead {
  /** False when the course has no completion criteria (`nocriteriaset`, 252): nothing can complete. */
  criteria: boolean;
  /** Students looked at: enrolled, with an idnumber, holding the student role. */
  students: number;
  completions: MoodleCompletion[];
  /** Newest completion time seen (Unix), or the previous watermark when none is newer. */
  watermark: number;
}

/** Moodle side of the completion sync. */
export function createMoodleCompletionActivities(moodle: MoodleClient) {
  return withFailureMapping({
    /**
     * Each student's course completion (`core_completion_get_course_completion_status`, one user a
     * request, as Moodle 4.1 offers no per-course list). Teachers are not asked: only holders of
     * the student role with an idnumber (an ERPNext Student) can have a Course Enrollment.
     */
    async moodleReadCourseCompletions(input: { courseId: number; studentRoleId: number; since: number }): Promise<CourseCompletionsRead> {
      const call = activityCall();
      const participants = await moodle.getCourseParticipants(input.courseId, call);
      const students = participants.filter((p) => (p.idnumber ?? '') !== '' && p.roles.some((role) => role.roleid === input.studentRoleId));
      const read: CourseCompletionsRead = { criteria: true, students: students.length, completions: [], watermark: input.since };
      await forEachAtMost(students, statusRequestsAtOnce, async (student) => {
        // Once one answer says the course has no criteria, the rest are not asked.
        if (!read.criteria) return;
        let status;
        try {
          status = await moodle.getCourseCompletionStatus(input.courseId, student.id, call);
        } catch (err) {
          // No criteria is the course's answer for everyone (capture 252); a suspended or just-removed user is not enrolled (118).
          if (err instanceof MoodleError && err.errorcode === 'nocriteriaset') read.criteria = false;
          else if (!(err instanceof MoodleError && err.errorcode === 'usernotenroled')) throw err;
          return;
        }
        const completedAt = courseCompletedAt(status.completionstatus);
        if (completedAt === null) return;
        read.completions.push({ student: student.idnumber!, completedAt });
        read.watermark = Math.max(read.watermark, completedAt);
      });
      if (!read.criteria) read.completions = [];
      return read;
    },
  });
}

export type MoodleCompletionActivities = ReturnType<typeof createMoodleCompletionActivities>;

import type { MoodleClient } from '../src/moodle/client';
import { attendanceMarksSince, type MarksSince } from '../src/mapping/attendance';
import { activityCall } from './activity-call';
import { withFailureMapping } from './failure';
import { keepHeartbeating } from './keep-heartbeating';

/** Moodle reads of the attendance sync (mod_attendance), closed over one client. */
export function createMoodleAttendanceActivities(moodle: MoodleClient) {
  return withFailureMapping(
    keepHeartbeating({
      /**
       * Marks of every attendance instance of a course taken at or after `since`: the instances from
       * `core_course_get_contents`, their sessions from `mod_attendance_get_sessions`, and the
       * students' idnumbers from one `core_user_get_users_by_field` (the session lists only names).
       */
      async moodleReadAttendance(input: { courseId: number; since: number }): Promise<MarksSince & { instances: number }> {
        const call = activityCall();
        const sections = await moodle.getCourseContents(input.courseId, call);
        const instances = sections.flatMap((section) => section.modules).filter((module) => module.modname === 'attendance' && module.instance !== undefined);
        const read: MarksSince = { marks: [], sessions: 0, watermark: input.since };
        for (const instance of instances) {
          const sessions = await moodle.getAttendanceSessions(instance.instance as number, call);
          const part = attendanceMarksSince(sessions, input.since);
          read.marks.push(...part.marks);
          read.sessions += part.sessions;
          read.watermark = Math.max(read.watermark, part.watermark);
        }
        const userIds = [...new Set(read.marks.map((mark) => mark.moodleUserId))];
        if (userIds.length > 0) {
          const idnumbers = new Map((await moodle.getUsersByField('id', userIds, call)).map((user) => [user.id, (user.idnumber ?? '').trim()]));
          for (const mark of read.marks) mark.studentId = idnumbers.get(mark.moodleUserId) ?? '';
        }
        return { ...read, instances: instances.length };
      },
    }),
  );
}

export type MoodleAttendanceActivities = ReturnType<typeof createMoodleAttendanceActivities>;

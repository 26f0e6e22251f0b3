import { IntegrationError } from '../src/errors/integration-error';
import type { MoodleClient } from '../src/moodle/client';
import { activityCall } from './activity-call';
import { withFailureMapping } from './failure';

/** A seat in a course: `none` when the user has no enrolment there (not even a suspended one). */
export type SeatState = 'active' | 'suspended' | 'none';

export interface PaidCourseRoster {
  courseId: number;
  idnumber: string;
  /** Every enrolled user, suspended ones included. */
  userIds: number[];
}

/** Moodle's side of paid electives: which course and user an event names, seats, messages. */
export function createMoodleElectiveActivities(moodle: MoodleClient) {
  return withFailureMapping({
    /** The course's idnumber (the mapping's key), or null when the course is gone. */
    async moodleCourseIdnumber(input: { courseId: number }): Promise<string | null> {
      const { courses } = await moodle.getCoursesByField('id', input.courseId, activityCall());
      return courses[0]?.idnumber ?? null;
    },

    /** The user's idnumber (onboarding writes the Student name there), or null when empty or the user is gone. */
    async moodleUserIdnumber(input: { userId: number }): Promise<string | null> {
      const [user] = await moodle.getUsersByField('id', [input.userId], activityCall());
      return user?.idnumber ? user.idnumber : null;
    },

    /**
     * Whether the user holds a seat: the enrolled list shows suspended users too and gives no
     * status, so the active list tells them apart (captures 076, 077). `core_enrol_get_users_courses`
     * cannot, since it drops suspended enrolments (079).
     */
    async moodleSeat(input: { userId: number; courseId: number }): Promise<SeatState> {
      const holds = async (filter: { onlyactive?: boolean }) => (await moodle.getEnrolledUsers(input.courseId, filter, activityCall())).some((user) => user.id === input.userId);
      if (await holds({ onlyactive: true })) return 'active';
      return (await holds({})) ? 'suspended' : 'none';
    },

    /**
     * Suspends or reinstates the seat through a manual enrolment: suspension keeps grades, unlike
     * unenrolment (enrollib unenrol_user). The full state is sent, as a re-enrol without `suspend`
     * reactivates (075).
     */
    async moodleSetSeatSuspended(input: { userId: number; courseId: number; roleId: number; suspended: boolean }): Promise<void> {
      await moodle.enrolUsers([{ userid: input.userId, courseid: input.courseId, roleid: input.roleId, suspend: input.suspended }], activityCall());
    },

    /** Every enrolment of each paid course (`userfields=id`: ids only), for the poll. */
    async moodlePaidCourseRosters(input: { idnumbers: string[] }): Promise<PaidCourseRoster[]> {
      const rosters: PaidCourseRoster[] = [];
      for (const idnumber of input.idnumbers) {
        const { courses } = await moodle.getCoursesByField('idnumber', idnumber, activityCall());
        for (const course of courses) rosters.push({ courseId: course.id, idnumber, userIds: (await moodle.getEnrolledUsers(course.id, {}, activityCall())).map((user) => user.id) });
      }
      return rosters;
    },

    /**
     * A Moodle message to the student. `clientmsgid` lets a retry be recognised in the answer;
     * a refusal (preferences, messaging off) is returned, not thrown: the invoice stands anyway.
     */
    async moodleSendMessage(input: { userId: number; text: string; clientmsgid: string }): Promise<{ sent: boolean; error?: string }> {
      try {
        const [result] = await moodle.sendInstantMessages([{ touserid: input.userId, text: input.text, textformat: 2, clientmsgid: input.clientmsgid }], activityCall());
        return result && result.msgid !== -1 ? { sent: true } : { sent: false, error: result?.errormessage ?? 'no answer' };
      } catch (err) {
        // Messaging switched off (`disabled`, 286) or not allowed: a refusal, not a reason to retry.
        if (err instanceof IntegrationError && err.kind === 'permanent') return { sent: false, error: err.message };
        throw err;
      }
    },
  });
}

export type MoodleElectiveActivities = ReturnType<typeof createMoodleElectiveActivities>;

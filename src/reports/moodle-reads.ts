import type { MoodleClient } from '../moodle/client';
import type { PacedCalls } from './paced-calls';
import type { Fresh, ReportCache } from './report-cache';

/*
 * What reports read from Moodle, for what only Moodle has: last access, completion progress and
 * live course totals not yet synced to ERPNext. Course-wide reads take the whole course in one
 * request (the grade report for every user, the participant list); completion has no course-wide
 * function in Moodle 4.1, so it is read per student with `core_enrol_get_users_courses`, which
 * answers every course of that student at once.
 */

export type MoodleCourseRow = Awaited<ReturnType<MoodleClient['getCoursesByField']>>['courses'][number];
export type ParticipantRow = Awaited<ReturnType<MoodleClient['getParticipantsAccess']>>[number];
export type UserCourseRow = Awaited<ReturnType<MoodleClient['getUsersCourses']>>[number];
export type UserGradesRow = Awaited<ReturnType<MoodleClient['getGradeItems']>>['usergrades'][number];
export type MoodleUserRow = Awaited<ReturnType<MoodleClient['getUsersByField']>>[number];

export interface CourseParticipants {
  all: ParticipantRow[];
  /** Ids of the participants whose enrolment is active (not suspended, within its dates). */
  activeIds: number[];
}

const keyOf = (parts: readonly unknown[]) => JSON.stringify(['moodle', ...parts]);

export function createMoodleReads(moodle: MoodleClient, paced: PacedCalls, cache: ReportCache) {
  return {
    /** Every course (`core_course_get_courses_by_field` without a field), one request. */
    courses: (): Promise<Fresh<MoodleCourseRow[]>> => cache.get(keyOf(['courses']), async () => (await paced(() => moodle.getCoursesByField(''))).courses),
    userByIdnumber: (idnumber: string): Promise<Fresh<MoodleUserRow | undefined>> =>
      cache.get(keyOf(['user', idnumber]), async () => (await paced(() => moodle.getUsersByField('idnumber', [idnumber])))[0]),
    usersCourses: (userid: number): Promise<Fresh<UserCourseRow[]>> => cache.get(keyOf(['users-courses', userid]), () => paced(() => moodle.getUsersCourses(userid))),
    participants: (courseid: number): Promise<Fresh<CourseParticipants>> =>
      cache.get(keyOf(['participants', courseid]), async () => {
        const all = await paced(() => moodle.getParticipantsAccess(courseid));
        const active = await paced(() => moodle.getParticipantsAccess(courseid, { onlyactive: true }));
        return { all, activeIds: active.map((user) => user.id) };
      }),
    /** Every graded user's items of a course, or one user's. */
    grades: (courseid: number, userid?: number): Promise<Fresh<UserGradesRow[]>> =>
      cache.get(keyOf(['grades', courseid, userid ?? 0]), async () => (await paced(() => moodle.getGradeItems(courseid, userid))).usergrades),
  };
}

export type MoodleReads = ReturnType<typeof createMoodleReads>;

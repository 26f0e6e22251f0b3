import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Mapping } from '../src/config/mapping-file';
import type { MoodleClient, MoodleUserUpdate } from '../src/moodle/client';
import { currentMoodleProfile, moodleAccount, sameEmail, type MoodleAccount } from '../src/mapping/moodle-account';
import { newMoodleUser, type DesiredMoodleUser } from '../src/mapping/moodle-user';
import { hasChanges, moodleProfileUpdate, profileChanges } from '../src/mapping/profile-changes';
import { activityCall } from './activity-call';
import { createMoodleBurst } from './burst/moodle-burst';
import { ExpiringCache } from './expiring-cache';
import { withFailureMapping } from './failure';

/** ApplicationFailure types raised by Moodle activities themselves (not by the client). */
export const moodleFailureTypes = {
  /** Moodle answered a create without an id for our user: nothing sensible to retry. */
  userNotCreated: 'MoodleUserNotCreated',
  /** `core_user_update_users` answered with warnings (e.g. `useremailduplicate`): the write did not happen. */
  updateRejected: 'MoodleUpdateRejected',
  /** The account to link carries another idnumber (another student's): linking would take it from them. */
  accountClaimed: 'AccountClaimedByAnother',
} as const;

export interface StudentAccounts {
  /** Accounts whose idnumber is the Student name (more than one is itself a conflict: Moodle does not enforce uniqueness). */
  byIdnumber: MoodleAccount[];
  /** Accounts whose email equals the student's, ignoring case. */
  byEmail: MoodleAccount[];
}

export interface CourseResolution {
  courses: { idnumber: string; id: number }[];
  /** idnumbers with no Moodle course. */
  missing: string[];
}

export interface WithdrawalResult {
  suspended: number[];
  unenrolled: number[];
  /** Unenrol was configured, but the student has grades there, so the enrolment was suspended instead. */
  keptForGrades: number[];
  /** The user also holds another role there (a teacher): only the student role went, the enrolment stays. */
  keptForTeaching?: number[];
}

/** Course ids only change when a course is deleted and recreated with the same idnumber. */
const courseIdTtlMs = 5 * 60_000;

/** The mapping file's Moodle settings the lifecycle's activities apply themselves. */
export type MoodleSettings = Pick<Mapping['moodle'], 'auth'>;

/** Moodle side effects of the student lifecycle, closed over one client and the site's settings. */
export function createMoodleActivities(moodle: MoodleClient, settings: MoodleSettings) {
  async function updateUser(user: MoodleUserUpdate): Promise<void> {
    const { warnings } = await moodle.updateUsers([user]);
    if (warnings.length > 0) {
      throw ApplicationFailure.create({
        // Warning codes only: Moodle's messages can quote the email, which must stay out of history.
        message: `Moodle refused to update user ${user.id} (${warnings.map((w) => w.warningcode).join(', ')}); fix the conflicting account in Moodle`,
        type: moodleFailureTypes.updateRejected,
        nonRetryable: true,
      });
    }
  }

  const courseIds = new ExpiringCache<string, number>(courseIdTtlMs);

  // In a burst, concurrent admissions' look-ups, creates and enrols share requests (docs/burst.md).
  const burst = createMoodleBurst(moodle);

  async function accountsByIdnumber(idnumber: string): Promise<MoodleAccount[]> {
    return (await burst.findByIdnumber(idnumber, activityCall().signal)).map(moodleAccount);
  }

  return withFailureMapping({
    /**
     * Every account that could be this student's. Email lookup by field is case-sensitive on
     * PostgreSQL while Moodle's duplicate check is not, so emails are searched with the
     * case-insensitive `get_users` (its LIKE treats `_` as a wildcard, hence the exact filter afterwards).
     */
    async moodleFindStudentAccounts(input: { idnumber: string; email: string }): Promise<StudentAccounts> {
      // Both look-ups at once: they need only the input, and onboarding waits on this one.
      // The LIKE search is a superset of the exact one, so it alone finds every casing.
      const [byIdnumber, { users: similar }] = await Promise.all([accountsByIdnumber(input.idnumber), moodle.getUsers([{ key: 'email', value: input.email }])]);
      const byEmail = similar.map(moodleAccount).filter((account) => sameEmail(account.email, input.email));
      return { byIdnumber, byEmail: byEmail.sort((a, b) => a.id - b.id) };
    },

    /** Accounts carrying this idnumber (`core_user_get_users_by_field`). */
    async moodleFindAccountsByIdnumber(idnumber: string): Promise<MoodleAccount[]> {
      return accountsByIdnumber(idnumber);
    },

    /**
     * Creates the student's account with a Moodle-generated password that Moodle mails
     * (`core_user_create_users`, createpassword), together with the creates of other admissions
     * waiting at the same moment (burst/moodle-burst.ts; alone, it is one create of one user). A
     * retry looks first (createMissingUsers): after a lost or timed-out response it finds the
     * account the first attempt made instead of failing on the duplicate username, and no second
     * welcome mail goes out. The first attempt has nothing to find (the workflow has just looked
     * the idnumber up), so it creates at once.
     */
    async moodleCreateStudentUser(desired: DesiredMoodleUser): Promise<{ id: number; created: boolean }> {
      const user = newMoodleUser(desired, settings.auth);
      const created = await burst.createUser({ user, lookFirst: Context.current().info.attempt > 1 }, activityCall().signal);
      if (!created) {
        throw ApplicationFailure.create({
          message: `Moodle accepted the new account for ${desired.idnumber} but returned no id`,
          type: moodleFailureTypes.userNotCreated,
          nonRetryable: true,
        });
      }
      return { id: created.id, created: created.created };
    },

    /**
     * Links an existing account to the student by setting its idnumber (`core_user_update_users`);
     * no write when already set. Never overwrites another idnumber: the account is read again just
     * before the write, because it may have been claimed since the workflow chose it.
     */
    async moodleLinkAccount(input: { userId: number; idnumber: string }): Promise<{ changed: boolean }> {
      const [user] = await moodle.getUsersByField('id', [input.userId]);
      if (user?.idnumber === input.idnumber) return { changed: false };
      if (user?.idnumber) {
        throw ApplicationFailure.create({
          message: `Moodle account ${input.userId} already carries idnumber ${user.idnumber}; not linked to ${input.idnumber}`,
          type: moodleFailureTypes.accountClaimed,
          nonRetryable: true,
        });
      }
      await updateUser({ id: input.userId, idnumber: input.idnumber });
      return { changed: true };
    },

    /**
     * Pushes only the profile fields that differ from ERPNext (`core_user_get_users_by_field`,
     * then `core_user_update_users`); fields Moodle does not show are judged against `baseline`
     * (see profileChanges). Returns the names of what changed; none means no write.
     */
    async moodleSyncProfile(input: { userId: number; desired: DesiredMoodleUser; baseline: DesiredMoodleUser | null }): Promise<{ changed: string[] }> {
      const [user] = await moodle.getUsersByField('id', [input.userId]);
      if (!user) return { changed: [] };
      const changes = profileChanges(input.desired, currentMoodleProfile(user), input.baseline);
      if (!hasChanges(changes)) return { changed: [] };
      await updateUser(moodleProfileUpdate(input.userId, changes));
      return { changed: [...Object.keys(changes.fields), ...Object.keys(changes.customfields).map((name) => `profile_field_${name}`)] };
    },

    /**
     * Moodle course ids for course idnumbers (`core_course_get_courses_by_field` idnumber, one
     * call each: the field takes one value). Found ids are remembered for a few minutes, since
     * every admission of a program asks for the same courses; a missing course is asked again
     * each time, so a course created in Moodle is picked up at once.
     */
    async moodleResolveCourses(idnumbers: string[]): Promise<CourseResolution> {
      const call = activityCall();
      const resolution: CourseResolution = { courses: [], missing: [] };
      for (const idnumber of idnumbers) {
        const id = await courseIds.get(idnumber, async () => {
          const { courses } = await moodle.getCoursesByField('idnumber', idnumber, call);
          return courses.find((c) => c.idnumber === idnumber)?.id;
        });
        if (id !== undefined) resolution.courses.push({ idnumber, id });
        else resolution.missing.push(idnumber);
      }
      return resolution;
    },

    /**
     * Enrols one user in many courses in one `enrol_manual_enrol_users` call, shared with other
     * admissions' enrols waiting at the same moment (burst/moodle-burst.ts). Sends the full
     * intended state (active, no dates) because a repeated enrol without them resets both anyway.
     */
    async moodleEnrolStudent(input: { userId: number; courseIds: number[]; roleId: number }): Promise<void> {
      if (input.courseIds.length === 0) return;
      await burst.enrol({
        student: String(input.userId),
        enrolments: input.courseIds.map((courseid) => ({ roleid: input.roleId, userid: input.userId, courseid, timestart: 0, timeend: 0, suspend: false })),
      }, activityCall().signal);
    },

    /**
     * Withdraws a user from courses. `suspend` re-sends the enrolment suspended for the courses
     * the user is actively enrolled in (`core_enrol_get_users_courses`, `enrol_manual_enrol_users`
     * suspend=1). `unenrol` removes enrolments (`enrol_manual_unenrol_users`) except where the user
     * has grades (`gradereport_user_get_grade_items`): a last unenrol deletes them, so those are suspended.
     */
    async moodleWithdrawStudent(input: { userId: number; courseIds: number[]; roleId: number; mode: 'suspend' | 'unenrol' }): Promise<WithdrawalResult> {
      const call = activityCall();
      const result: WithdrawalResult = { suspended: [], unenrolled: [], keptForGrades: [] };
      const active = new Set((await moodle.getUsersCourses(input.userId, call)).map((course) => course.id));
      const toSuspend: number[] = [];
      for (const courseId of input.courseIds) {
        // Not active means not enrolled or already suspended: either way there is nothing to
        // withdraw, and a retry must not unenrol a course an earlier attempt suspended for its grades.
        if (!active.has(courseId)) continue;
        if (input.mode === 'suspend') {
          toSuspend.push(courseId);
          continue;
        }
        const { usergrades } = await moodle.getGradeItems(courseId, input.userId, call);
        const graded = usergrades.some((grades) => grades.gradeitems.some((item) => item.graderaw !== null && item.graderaw !== undefined));
        if (graded) {
          toSuspend.push(courseId);
          result.keptForGrades.push(courseId);
        } else {
          result.unenrolled.push(courseId);
        }
      }
      // A student rule never touches a teacher's enrolment: suspending or removing the enrolment
      // would end the teaching too, so where the user holds another role only the student role goes.
      for (const courseId of [...toSuspend, ...result.unenrolled]) {
        const roles = (await moodle.getCourseParticipants(courseId, call)).find((p) => p.id === input.userId)?.roles ?? [];
        if (!roles.some((role) => role.roleid !== input.roleId)) continue;
        (result.keptForTeaching ??= []).push(courseId);
        if (roles.some((role) => role.roleid === input.roleId)) await moodle.unassignCourseRoles([{ roleid: input.roleId, userid: input.userId, courseid: courseId }], call);
      }
      const teaching = new Set(result.keptForTeaching ?? []);
      result.unenrolled = result.unenrolled.filter((id) => !teaching.has(id));
      toSuspend.splice(0, toSuspend.length, ...toSuspend.filter((id) => !teaching.has(id)));
      result.keptForGrades = result.keptForGrades.filter((id) => !teaching.has(id));
      if (toSuspend.length > 0) {
        await moodle.enrolUsers(toSuspend.map((courseid) => ({ roleid: input.roleId, userid: input.userId, courseid, timestart: 0, timeend: 0, suspend: true })), call);
        result.suspended.push(...toSuspend);
      }
      if (result.unenrolled.length > 0) {
        await moodle.unenrolUsers(result.unenrolled.map((courseid) => ({ userid: input.userId, courseid })), call);
      }
      return result;
    },
  });
}

export type MoodleActivities = ReturnType<typeof createMoodleActivities>;

import { Context } from '@temporalio/activity';
import type { MoodleClient, MoodleUserUpdate, NewMoodleUser } from '../src/moodle/client';
import type { CallOptions } from '../src/moodle/rest-transport';
import { MoodleError } from '../src/moodle/errors';
import type { MoodleUser } from '../src/moodle/schemas';
import type { FoundAccount } from '../src/mapping/backfill-plan';
import { currentMoodleProfile, moodleAccount } from '../src/mapping/moodle-account';
import { activityCall } from './activity-call';
import { withFailureMapping } from './failure';

/** A record Moodle (or a check before it) refused, with the reason an operator acts on. */
export interface RecordFailure {
  student: string;
  reason: string;
}

export interface BackfillEnrolment {
  student: string;
  userid: number;
  courseid: number;
}

function found(user: MoodleUser): FoundAccount {
  return { ...moodleAccount(user), profile: currentMoodleProfile(user) };
}

/**
 * Moodle refuses a whole create or enrol batch with this generic code and never says which entry
 * was wrong (015-022, 087/088): the only errors bisection can pin on one record. Password-policy
 * codes are per record too. Anything else (permissions, outages) concerns every record alike.
 */
function refusesARecord(err: unknown): err is MoodleError {
  return err instanceof MoodleError && err.kind === 'permanent' && (err.errorcode === 'invalidparameter' || err.errorcode === 'passwordpolicy');
}

/** A record Moodle refused, with the error itself (kept out of history: callers return only RecordFailure). */
export interface Refusal extends RecordFailure {
  error: MoodleError;
}

const withoutErrors = (refusals: Refusal[]): RecordFailure[] => refusals.map(({ student, reason }) => ({ student, reason }));

/**
 * Sends `items` whole; when Moodle refuses the batch for one record, halves it until the refused
 * records stand alone, sending everything else. `retried` tells `send` that a part follows a
 * refused request: a request split by the client is not atomic, so it must look before writing.
 * The burst gatherers (activities/burst/) use it too, for a burst of webhook admissions.
 */
export async function sendIsolatingRefusals<T extends { student: string }>(items: T[], send: (part: T[], retried: boolean) => Promise<void>): Promise<{ sent: T[]; failed: Refusal[] }> {
  const sent: T[] = [];
  const failed: Refusal[] = [];
  const attempt = async (part: T[], retried: boolean): Promise<void> => {
    if (part.length === 0) return;
    try {
      await send(part, retried);
      sent.push(...part);
    } catch (err) {
      if (!refusesARecord(err)) throw err;
      if (part.length === 1) {
        failed.push({ student: part[0]!.student, reason: err.message, error: err });
        return;
      }
      const middle = Math.ceil(part.length / 2);
      await attempt(part.slice(0, middle), true);
      await attempt(part.slice(middle), true);
    }
  };
  await attempt(items, false);
  return { sent, failed };
}

/**
 * Creates `users` in as few `core_user_create_users` requests as the client allows (Moodle mails
 * each welcome inside the request, never rolled back: moodle.md §3.3). With `lookFirst` (a retried
 * attempt), and for every part after a refused request, it looks first (the client's
 * createMissingUsers), so an account a lost request committed is found, not created and mailed
 * again. One refused record is isolated by halving; the rest are created.
 */
export async function createUsersIsolatingRefusals(
  moodle: MoodleClient,
  users: { student: string; user: NewMoodleUser }[],
  lookFirst: boolean,
  call?: CallOptions,
): Promise<{ created: { student: string; id: number; created: boolean }[]; failed: Refusal[] }> {
  const created: { student: string; id: number; created: boolean }[] = [];
  const { failed } = await sendIsolatingRefusals(users, async (part, retried) => {
    const entries = part.map((u) => u.user);
    const answer = !lookFirst && !retried ? (await moodle.createUsers(entries, call)).map((a) => ({ ...a, created: true })) : await moodle.createMissingUsers(entries, call);
    const made = new Map(answer.map((a) => [a.username, a]));
    for (const { student, user } of part) {
      const one = made.get(user.username);
      if (one !== undefined) created.push({ student, id: one.id, created: one.created });
    }
  });
  return { created, failed };
}

/** Moodle side of the backfill: whole-batch look-ups and writes, each one request where Moodle allows. */
export function createMoodleBackfillActivities(moodle: MoodleClient) {
  return withFailureMapping({
    /**
     * The batch's accounts in two requests: `core_user_get_users_by_field` by idnumber, then by
     * email. Email matching is case-sensitive there (033), so each address is asked as given and
     * lower-cased; other casings are caught by Moodle's own duplicate check and reported.
     */
    async moodleBackfillLookup(input: { idnumbers: string[]; emails: string[] }): Promise<{ byIdnumber: FoundAccount[]; byEmail: FoundAccount[] }> {
      const call = activityCall();
      const byIdnumber = input.idnumbers.length === 0 ? [] : await moodle.getUsersByField('idnumber', input.idnumbers, call);
      const emails = [...new Set(input.emails.flatMap((email) => [email.trim(), email.trim().toLowerCase()]).filter(Boolean))];
      const byEmail = emails.length === 0 ? [] : await moodle.getUsersByField('email', emails, call);
      return { byIdnumber: byIdnumber.map(found), byEmail: byEmail.map(found) };
    },

    /**
     * Creates the batch's new accounts in one `core_user_create_users` (Moodle mails each welcome
     * inside the request, never rolled back: moodle.md §3.3). A retried attempt looks first, so an
     * account the lost attempt committed is found, not created (and mailed) again. One refused
     * record is isolated by halving; the rest are created.
     */
    async moodleBackfillCreateUsers(users: { student: string; user: NewMoodleUser }[]): Promise<{ created: { student: string; id: number }[]; failed: RecordFailure[] }> {
      // The first request of a first attempt has nothing to look for; anything later may follow a commit.
      const firstAttempt = Context.current().info.attempt === 1;
      const { created, failed } = await createUsersIsolatingRefusals(moodle, users, !firstAttempt, activityCall());
      return { created: created.map(({ student, id }) => ({ student, id })), failed: withoutErrors(failed) };
    },

    /**
     * Links and profile updates of the batch in one `core_user_update_users`: a transaction per
     * user (053-055), so a refused user comes back as a warning naming its id while the rest apply.
     */
    async moodleBackfillUpdateUsers(updates: { student: string; update: MoodleUserUpdate }[]): Promise<{ failed: RecordFailure[] }> {
      if (updates.length === 0) return { failed: [] };
      const { warnings } = await moodle.updateUsers(updates.map((u) => u.update), activityCall());
      const failed: RecordFailure[] = [];
      for (const warning of warnings) {
        const update = updates.find((u) => u.update.id === warning.itemid);
        // Codes only: Moodle's warning messages can quote the email.
        if (update) failed.push({ student: update.student, reason: `Moodle refused the update (${warning.warningcode})` });
      }
      return { failed };
    },

    /**
     * Enrols the batch in one `enrol_manual_enrol_users` (all or nothing, 087/088), after leaving
     * out enrolments that exist already (active or suspended: a suspension is someone's decision)
     * from one roster read per course an existing account is to join. New accounts have none.
     * `dryRun` only counts.
     */
    async moodleBackfillEnrol(input: { enrolments: BackfillEnrolment[]; newUserIds: number[]; roleId: number; dryRun: boolean }): Promise<{ added: number; students: string[]; failed: RecordFailure[] }> {
      const call = activityCall();
      const isNew = new Set(input.newUserIds);
      const toCheck = [...new Set(input.enrolments.filter((e) => !isNew.has(e.userid)).map((e) => e.courseid))];
      const present = new Set<string>();
      for (const courseid of toCheck) {
        for (const user of await moodle.getEnrolledUsers(courseid, {}, call)) present.add(`${user.id}:${courseid}`);
      }
      const missing = input.enrolments.filter((e) => !present.has(`${e.userid}:${e.courseid}`));
      const students = [...new Set(missing.map((e) => e.student))];
      if (input.dryRun || missing.length === 0) return { added: missing.length, students, failed: [] };
      const { sent, failed } = await sendIsolatingRefusals(
        missing,
        // Enrolling again with the same full state changes nothing (072): a part is simply re-sent.
        (part) => moodle.enrolUsers(part.map((e) => ({ roleid: input.roleId, userid: e.userid, courseid: e.courseid, timestart: 0, timeend: 0, suspend: false })), call),
      );
      // A student whose one course was refused is reported once per refused course.
      return { added: sent.length, students, failed: withoutErrors(failed) };
    },
  });
}

export type MoodleBackfillActivities = ReturnType<typeof createMoodleBackfillActivities>;

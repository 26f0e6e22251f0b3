import type { Enrolment, MoodleClient, NewMoodleUser } from '../../src/moodle/client';
import type { MoodleUser } from '../../src/moodle/schemas';
import { createUsersIsolatingRefusals, sendIsolatingRefusals, type Refusal } from '../backfill-moodle';
import { createGatherer, type BatchSender, type GathererLimits } from './gatherer';

/**
 * How the webhook path's Moodle calls gather in a burst (docs/burst.md): one batch of each kind in
 * flight, the next gathering meanwhile, so the other workers of a small PHP-FPM pool (issue #12: 4)
 * stay free for the look-ups and enrols of other admissions. 50 users a create (about 4 s on a
 * real Moodle, request-cost.ts) keep a waiting activity well inside its 30 s start-to-close; an
 * enrolment batch of 100 activities (about 400 enrolments, 2,400 form fields) is one request
 * under max_input_vars; a look-up value is one form field.
 */
export const moodleBurstLimits = {
  lookup: { maxBatch: 200, maxInFlight: 1 },
  create: { maxBatch: 50, maxInFlight: 1 },
  enrol: { maxBatch: 100, maxInFlight: 1 },
} as const satisfies Record<string, GathererLimits>;

export interface CreatedAccount {
  id: number;
  /** False when a look-first attempt found the account an earlier request had committed. */
  created: boolean;
}

interface CreateRequest {
  user: NewMoodleUser;
  /** A retried attempt: look first, since the lost attempt's request may have committed. */
  lookFirst: boolean;
}

interface EnrolRequest {
  /** Whose enrolments these are: one activity's, refused or sent together. */
  student: string;
  enrolments: Enrolment[];
}

const refusedBy = (failed: Refusal[]) => new Map(failed.map((f) => [f.student, f.error]));

/**
 * The gathered Moodle calls of one worker process: look-ups by idnumber, user creates and enrols
 * from concurrent onboarding and enrolment activities go out together while Moodle is busy, and
 * each alone when nothing else waits. A request of one activity's item carries that activity's
 * cancellation; a shared one aborts only once every caller in it has given up (one cancelled
 * caller must not abort the others' write).
 */
export function createMoodleBurst(moodle: MoodleClient, limits: typeof moodleBurstLimits = moodleBurstLimits) {
  /** `core_user_get_users_by_field` idnumber for every waiting value at once (missing ones are simply absent). */
  const lookup: BatchSender<string, MoodleUser[]> = async (idnumbers, signal) => {
    const users = await moodle.getUsersByField('idnumber', [...new Set(idnumbers)], signal && { signal });
    return idnumbers.map((idnumber) => ({ ok: true, value: users.filter((u) => u.idnumber === idnumber) }));
  };

  /**
   * One create for the batch through the backfill's bisection: a refused record fails only its
   * own caller, with Moodle's own error; a batch holding a retried attempt looks first for all.
   * Two attempts of one activity in one batch (a timed-out one still waiting) share one entry.
   */
  const create: BatchSender<CreateRequest, CreatedAccount | undefined> = async (requests) => {
    const unique = [...new Map(requests.map((r) => [r.user.username, r.user])).values()];
    const lookFirst = requests.some((r) => r.lookFirst);
    const { created, failed } = await createUsersIsolatingRefusals(moodle, unique.map((user) => ({ student: user.username, user })), lookFirst);
    const made = new Map(created.map((c) => [c.student, { id: c.id, created: c.created }]));
    const refused = refusedBy(failed);
    return requests.map((r) => {
      const error = refused.get(r.user.username);
      return error ? { ok: false, error } : { ok: true, value: made.get(r.user.username) };
    });
  };

  /**
   * One `enrol_manual_enrol_users` for the batch (all or nothing, 087/088): a refused activity's
   * enrolments are isolated by halving and the rest re-sent; enrolling again with the same full
   * state changes nothing (072).
   */
  const enrol: BatchSender<EnrolRequest, void> = async (requests, signal) => {
    const keyed = requests.map((r, i) => ({ ...r, student: `${i}:${r.student}` }));
    const { failed } = await sendIsolatingRefusals(keyed, (part) => moodle.enrolUsers(part.flatMap((r) => r.enrolments), signal && { signal }));
    const refused = refusedBy(failed);
    return keyed.map((r) => {
      const error = refused.get(r.student);
      return error ? { ok: false, error } : { ok: true, value: undefined };
    });
  };

  return {
    findByIdnumber: createGatherer(lookup, limits.lookup),
    createUser: createGatherer(create, limits.create),
    enrol: createGatherer(enrol, limits.enrol),
  };
}

export type MoodleBurst = ReturnType<typeof createMoodleBurst>;

import type { NewMoodleUser } from '../moodle/client';
import type { MoodleAccount } from './moodle-account';
import { sameEmail } from './moodle-account';
import { isPlaceholderEmail, newMoodleUser, type DesiredMoodleUser } from './moodle-user';
import { duplicatesWithinBatch, moodleUserProblems } from './moodle-user-rules';
import { hasChanges, profileChanges, type CurrentMoodleProfile, type ProfileChanges } from './profile-changes';

/*
 * What the backfill does for one batch of students, decided from one look-up of the whole batch
 * by idnumber and one by email. Pure and workflow-safe: the same facts always give the same plan,
 * so a re-run after a crash decides exactly what the first run would have.
 */

/** One ERPNext Student as the backfill reads it: its Moodle user, its link and its programs. */
export interface BackfillStudent {
  name: string;
  desired: DesiredMoodleUser;
  /** Student.custom_moodle_user_id (0 = no link written yet). */
  linkedMoodleUserId: number;
  /** Programs of its submitted Program Enrollments. */
  programs: string[];
}

/** An account a look-up found, with the profile fields the bridge owns as Moodle shows them. */
export interface FoundAccount extends MoodleAccount {
  profile: CurrentMoodleProfile;
}

export type StudentAction =
  /** No account: create one (Moodle mails the welcome). */
  | { kind: 'create'; user: NewMoodleUser }
  /** One account with the student's email and no idnumber: set the idnumber. */
  | { kind: 'link'; accountId: number; profile: ProfileChanges | null }
  /** The account carries the idnumber already. */
  | { kind: 'linked'; accountId: number; profile: ProfileChanges | null }
  /** Nothing is guessed: an operator decides which account is the student's. */
  | { kind: 'conflict'; reason: string; accountIds: number[] }
  /** The record breaks Moodle's rules: fixed in ERPNext, then re-run. */
  | { kind: 'invalid'; reason: string };

export interface StudentPlan {
  student: string;
  action: StudentAction;
}

function accountAction(student: BackfillStudent, byIdnumber: FoundAccount[], byEmail: FoundAccount[]): StudentAction | null {
  if (byIdnumber.length > 1) {
    return { kind: 'conflict', reason: `${byIdnumber.length} Moodle accounts carry this idnumber`, accountIds: byIdnumber.map((a) => a.id) };
  }
  const profileOf = (account: FoundAccount) => {
    // Without a baseline, a field Moodle does not show us (phones, address: 049) cannot be judged;
    // it is left alone rather than rewritten on every run. Profile sync owns those afterwards.
    const desired = withoutPlaceholder(student.desired, account);
    const changes = profileChanges(desired, account.profile, desired);
    return hasChanges(changes) ? changes : null;
  };
  const [own] = byIdnumber;
  if (own) return { kind: 'linked', accountId: own.id, profile: profileOf(own) };
  if (byEmail.length > 1) {
    return { kind: 'conflict', reason: `${byEmail.length} Moodle accounts share this email`, accountIds: byEmail.map((a) => a.id) };
  }
  const [sameAddress] = byEmail;
  if (sameAddress && sameAddress.idnumber !== '') {
    return { kind: 'conflict', reason: 'the Moodle account with this email carries another idnumber', accountIds: [sameAddress.id] };
  }
  if (sameAddress) return { kind: 'link', accountId: sameAddress.id, profile: profileOf(sameAddress) };
  return null;
}

/** A placeholder address is never pushed: the account keeps the email Moodle has. */
function withoutPlaceholder(desired: DesiredMoodleUser, account: FoundAccount): DesiredMoodleUser {
  return isPlaceholderEmail(desired.email) ? { ...desired, email: account.email } : desired;
}

/**
 * Plans a batch. `byIdnumber` and `byEmail` are every account the two look-ups found for the
 * batch; matching by email ignores case, as Moodle's duplicate check does.
 */
export function planBatch(students: BackfillStudent[], found: { byIdnumber: FoundAccount[]; byEmail: FoundAccount[] }, auth: string): StudentPlan[] {
  const plans: StudentPlan[] = [];
  const toCreate: { student: string; user: NewMoodleUser }[] = [];
  for (const student of students) {
    const byIdnumber = found.byIdnumber.filter((a) => a.idnumber === student.name);
    const byEmail = found.byEmail.filter((a) => sameEmail(a.email, student.desired.email));
    const action = accountAction(student, byIdnumber, byEmail);
    if (action) {
      plans.push({ student: student.name, action });
      continue;
    }
    if (isPlaceholderEmail(student.desired.email)) {
      plans.push({ student: student.name, action: { kind: 'invalid', reason: 'no deliverable email (a .invalid placeholder): Moodle would mail the password there' } });
      continue;
    }
    const user = newMoodleUser(student.desired, auth);
    const problems = moodleUserProblems(user);
    if (problems.length > 0) {
      plans.push({ student: student.name, action: { kind: 'invalid', reason: problems.map((p) => p.reason).join('; ') } });
      continue;
    }
    // An account with this username but another identity would fail the whole create.
    const takenUsername = [...found.byIdnumber, ...found.byEmail].find((a) => a.username === user.username);
    if (takenUsername) {
      plans.push({ student: student.name, action: { kind: 'conflict', reason: 'another Moodle account has this username', accountIds: [takenUsername.id] } });
      continue;
    }
    toCreate.push({ student: student.name, user });
  }
  const clashes = new Map(duplicatesWithinBatch(toCreate).map(({ record, reason }) => [record.student, reason]));
  for (const { student, user } of toCreate) {
    const clash = clashes.get(student);
    plans.push({ student, action: clash ? { kind: 'conflict', reason: clash, accountIds: [] } : { kind: 'create', user } });
  }
  const order = new Map(students.map((s, i) => [s.name, i]));
  return plans.sort((a, b) => (order.get(a.student) ?? 0) - (order.get(b.student) ?? 0));
}

/** The Moodle account a plan ends with, when it ends with one already known. */
export function plannedAccountId(action: StudentAction): number | null {
  return action.kind === 'link' || action.kind === 'linked' ? action.accountId : null;
}

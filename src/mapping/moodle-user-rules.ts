import type { NewMoodleUser } from '../moodle/client';

/*
 * Moodle's own rules for a new account, checked before a record is sent, because
 * `core_user_create_users` is one transaction that a single bad entry rolls back with nothing but
 * a generic "Invalid parameter value detected" (moodle.md §3.3, captures 013-022). Read from Moodle
 * 4.1's source (no capture shows all of them):
 * - `user/lib.php` user_create_user: the username must equal its lower-case form
 *   (`usernamelowercase`) and its PARAM_USERNAME-cleaned form (`invalidusername`): with
 *   `extendedusernamechars` off that keeps only a-z 0-9 and `-._@` (lib/moodlelib.php clean_param);
 * - `user/externallib.php` create_users: username, firstname, lastname and email required and not
 *   blank, firstname/lastname PARAM_NOTAGS, email through validate_email (PHPMailer's
 *   validateAddress and no `<>`), a duplicate username or (case-insensitively) email;
 * - the `mdl_user` column sizes of `lib/db/install.xml` (a longer value is a database write error
 *   that rolls the batch back, or is silently cut by MySQL).
 */

/** `mdl_user` column lengths of the fields the bridge sends. */
export const moodleUserFieldLengths = {
  username: 100,
  firstname: 100,
  lastname: 100,
  email: 100,
  idnumber: 255,
  phone1: 20,
  address: 255,
  city: 120,
} as const;

const usernameCharacters = /^[a-z0-9._@-]+$/;
const tags = /<[^>]*>/;
/** The HTML5 address pattern PHPMailer offers (no quoted local parts, no `<>`): at least as strict as Moodle's check. */
const emailSyntax = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export interface MoodleUserProblem {
  field: keyof typeof moodleUserFieldLengths;
  /** Why Moodle would refuse it, in words an operator can act on (no personal data). */
  reason: string;
}

/** Everything Moodle would refuse in this new account; empty when it can be sent. */
export function moodleUserProblems(user: NewMoodleUser): MoodleUserProblem[] {
  const problems: MoodleUserProblem[] = [];
  const required = ['username', 'firstname', 'lastname', 'email'] as const;
  for (const field of required) {
    if (user[field].trim() === '') problems.push({ field, reason: `${field} is required and may not be blank` });
  }
  if (user.username !== '' && user.username !== user.username.toLowerCase()) {
    problems.push({ field: 'username', reason: 'username must be lower case (usernamelowercase)' });
  } else if (user.username !== '' && !usernameCharacters.test(user.username)) {
    problems.push({ field: 'username', reason: 'username may only hold a-z 0-9 . - _ @ (invalidusername)' });
  }
  for (const field of ['firstname', 'lastname'] as const) {
    if (tags.test(user[field])) problems.push({ field, reason: `${field} may not contain HTML tags` });
  }
  if (user.email.trim() !== '' && !emailSyntax.test(user.email.trim())) {
    problems.push({ field: 'email', reason: 'email is not a valid address' });
  }
  for (const [field, max] of Object.entries(moodleUserFieldLengths) as [keyof typeof moodleUserFieldLengths, number][]) {
    const value = user[field];
    // Moodle's limits count characters (PostgreSQL varchar), not bytes.
    if (typeof value === 'string' && [...value].length > max) problems.push({ field, reason: `${field} is longer than ${max} characters` });
  }
  return problems;
}

/**
 * Records of one batch that would clash inside the batch itself: two students with the same
 * username, or emails equal ignoring case (Moodle's duplicate check). Every record after the first
 * of each group is returned with the reason: the first one is sent, the others are reported.
 */
export function duplicatesWithinBatch<T extends { user: NewMoodleUser }>(records: T[]): { record: T; reason: string }[] {
  const usernames = new Set<string>();
  const emails = new Set<string>();
  const clashes: { record: T; reason: string }[] = [];
  for (const record of records) {
    const email = record.user.email.trim().toLowerCase();
    if (usernames.has(record.user.username)) clashes.push({ record, reason: 'another student in this backfill has the same Moodle username' });
    else if (emails.has(email)) clashes.push({ record, reason: 'another student in this backfill has the same email (Moodle ignores case)' });
    else {
      usernames.add(record.user.username);
      emails.add(email);
    }
  }
  return clashes;
}

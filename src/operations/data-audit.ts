import { sameEmail } from '../mapping/moodle-account';
import { isPlaceholderEmail } from '../mapping/moodle-user';
import { blocker, ok, someOf, warning, type Check } from './checks';
import type { ErpnextSnapshot, MoodleSnapshot } from '../reconcile/snapshots';

/*
 * The data the lifecycle would stumble over, found before the first webhook: each finding is a
 * case onboarding would park for an operator (or could not mail), so cleaning it up first saves
 * a queue of conflicts on day one. Pure over the two snapshots.
 */

const lower = (email: string) => email.trim().toLowerCase();

/** Groups of at least two records whose emails are equal ignoring case. */
function sharedEmails<T>(rows: readonly T[], email: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = lower(email(row));
    if (key === '') continue;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].filter((group) => group.length > 1);
}

/** Letters and digits of a course code or name: 'ENG101' → ['eng', '101'], 'English 101' → ['english', '101']. */
function codeParts(text: string): { letters: string; digits: string } {
  const compact = text.toLowerCase().replace(/[^a-z0-9]/g, '');
  return { letters: compact.replace(/[0-9]/g, ''), digits: compact.replace(/[^0-9]/g, '') };
}

/** 'ENG101' and 'English 101' name the same course: same number, and one's letters abbreviate the other's. */
export function looksLikeSameCourse(a: string, b: string): boolean {
  const x = codeParts(a);
  const y = codeParts(b);
  if (x.digits === '' || x.digits !== y.digits || x.letters === '' || y.letters === '') return false;
  return x.letters.startsWith(y.letters) || y.letters.startsWith(x.letters);
}

export function auditData(erp: ErpnextSnapshot, moodle: MoodleSnapshot): Check[] {
  const checks: Check[] = [];
  const students = new Set(erp.students.map((s) => s.name));

  const noEmail = erp.students.filter((s) => s.email.trim() === '' || isPlaceholderEmail(s.email)).map((s) => s.name);
  checks.push(
    noEmail.length === 0
      ? ok('data', 'deliverable emails', `all ${erp.students.length} Students have one`)
      : warning('data', 'deliverable emails', `${noEmail.length} Student(s) with a placeholder or no address: ${someOf(noEmail)} (no Moodle account is made for them)`, "enter the student's real address in ERPNext; onboarding runs on the next save"),
  );

  const studentDuplicates = sharedEmails(erp.students, (s) => s.email).map((g) => g.map((s) => s.name).join(' = '));
  const moodleDuplicates = sharedEmails(moodle.users, (u) => u.email).map((g) => g.map((u) => u.username).join(' = '));
  const duplicates = [...studentDuplicates.map((d) => `Students ${d}`), ...moodleDuplicates.map((d) => `Moodle ${d}`)];
  checks.push(
    duplicates.length === 0
      ? ok('data', 'duplicate emails', 'none (ignoring case)')
      : warning('data', 'duplicate emails', `${duplicates.length} address(es) held twice, ignoring case: ${someOf(duplicates, 3)}`, 'merge or correct the accounts; onboarding parks a student whose email matches several'),
  );

  const emailClaims: string[] = [];
  for (const student of erp.students) {
    if (student.moodleUserId > 0 || isPlaceholderEmail(student.email)) continue;
    if (moodle.users.some((u) => u.idnumber === student.name)) continue;
    for (const user of moodle.users.filter((u) => sameEmail(u.email, student.email))) {
      emailClaims.push(user.idnumber === '' ? `${user.username} (no idnumber) ~ ${student.name}` : `${user.username} (idnumber ${user.idnumber}) ~ ${student.name}`);
    }
  }
  checks.push(
    emailClaims.length === 0
      ? ok('data', 'accounts matching by email', 'no unlinked Moodle account shares a Student email')
      : warning('data', 'accounts matching by email', `${emailClaims.length} Moodle account(s) carry a Student's email but not its id: ${someOf(emailClaims, 3)}`, 'an unclaimed account (no idnumber) is linked by onboarding; one with another idnumber is parked: set its idnumber in Moodle or decide via /admin/conflicts'),
  );

  const byIdnumber = new Map<string, string[]>();
  for (const user of moodle.users.filter((u) => u.idnumber !== '')) byIdnumber.set(user.idnumber, [...(byIdnumber.get(user.idnumber) ?? []), user.username]);
  const shared = [...byIdnumber].filter(([, users]) => users.length > 1).map(([idnumber, users]) => `${idnumber}${students.has(idnumber) ? '' : ' (no such Student)'}: ${users.join(', ')}`);
  checks.push(
    shared.length === 0
      ? ok('data', 'one account per idnumber', 'no idnumber is on two Moodle accounts')
      : blocker('data', 'one account per idnumber', `${shared.length} idnumber(s) on several accounts: ${someOf(shared, 3)}`, 'keep one account per student in Moodle (clear the idnumber of the others); until then onboarding parks them'),
  );

  const moodleIdnumbers = new Set(moodle.courses.map((c) => c.idnumber).filter(Boolean));
  const naming: string[] = [];
  for (const course of erp.courses) {
    if (moodleIdnumbers.has(course.name)) continue;
    const lookalike = moodle.courses.find((m) => m.idnumber !== course.name && [m.shortname, m.fullname, m.idnumber].some((n) => n !== '' && (looksLikeSameCourse(course.name, n) || (course.title !== '' && lower(course.title) === lower(n)))));
    if (lookalike) naming.push(`ERPNext ${course.name} ~ Moodle '${lookalike.shortname}' (idnumber '${lookalike.idnumber}')`);
  }
  checks.push(
    naming.length === 0
      ? ok('data', 'course naming', 'every ERPNext Course with a Moodle counterpart carries its name as idnumber')
      : warning('data', 'course naming', `${naming.length} course(s) named differently: ${someOf(naming, 3)}`, "set the Moodle course's idnumber to the ERPNext Course name, or map it in the mapping file's `courses:`"),
  );
  return checks;
}

import { sameEmail } from '../mapping/moodle-account';
import { isPlaceholderEmail } from '../mapping/moodle-user';
import { syncedProfileFields } from '../mapping/profile-changes';
import { erpnextCourseOf } from '../mapping/mapped-courses';
import type { ErpnextSnapshot, MoodleSnapshot, MoodleUserRow } from './snapshots';

/*
 * What reconcile finds when it lays the two systems' pictures side by side, and which of it the
 * normal workflows can repair. Pure: the reconcile workflow, the CLI table and the console all
 * show the same plain data.
 */

export type DriftKind =
  | 'no-moodle-account'
  | 'enrolment-missing'
  | 'enrolment-suspended'
  | 'enrolment-extra'
  | 'profile-drift'
  | 'identity-conflict';

export interface Drift {
  kind: DriftKind;
  student: string;
  /** Moodle course idnumber, for enrolment drift. */
  course?: string;
  programEnrollment?: string;
  /** Profile fields that differ, for profile drift. */
  fields?: string[];
  /** What heals it, or why a person must look. */
  remedy: string;
}

/** A start of one of the normal lifecycle workflows; onboarding also enrols every submitted program. */
export type HealAction =
  | { kind: 'onboard'; student: string }
  | { kind: 'enroll'; programEnrollment: string; student: string; program: string }
  | { kind: 'profile'; student: string };

export interface ReconcileReport {
  /** Students compared (the breaker's population). */
  students: number;
  drift: Drift[];
  /** Counts per kind, for tables and metrics. */
  counts: Partial<Record<DriftKind, number>>;
  /** Course idnumber → course totals in Moodle that ERPNext has no Assessment Result for (count only). */
  gradesNotInErpnext: Record<string, number>;
  heal: HealAction[];
}

export const healActionKey = (action: HealAction): string =>
  action.kind === 'enroll' ? `enroll:${action.programEnrollment}` : `${action.kind}:${action.student}`;

/** Accounts onboarding would not pick by itself: it parks these for an operator, so reconcile leaves them too. */
function identityQuestion(accountsByIdnumber: MoodleUserRow[], email: string, users: readonly MoodleUserRow[], student: string): string | undefined {
  if (accountsByIdnumber.length > 1) return `${accountsByIdnumber.length} Moodle accounts carry this idnumber`;
  if (accountsByIdnumber.length === 1 || isPlaceholderEmail(email) || email === '') return undefined;
  const byEmail = users.filter((u) => sameEmail(u.email, email));
  if (byEmail.length > 1) return `${byEmail.length} Moodle accounts have this email (ignoring case)`;
  if (byEmail.length === 1 && byEmail[0].idnumber !== '' && byEmail[0].idnumber !== student) return `the Moodle account with this email carries idnumber ${byEmail[0].idnumber}`;
  return undefined;
}

/** Fields Moodle showed that differ from what ERPNext owns; a field Moodle hid is not drift. */
function driftedFields(erp: ErpnextSnapshot['students'][number], account: MoodleUserRow): string[] {
  const fields: string[] = [];
  for (const field of syncedProfileFields) {
    if (field === 'email' && isPlaceholderEmail(erp.desired.email)) continue;
    const shown = account.profile[field];
    if (shown !== undefined && shown !== erp.desired[field]) fields.push(field);
  }
  for (const [shortname, value] of Object.entries(erp.desired.customfields)) {
    const shown = account.profile.customfields[shortname];
    if (shown !== undefined && shown !== value) fields.push(`profile_field_${shortname}`);
  }
  return fields;
}

export function reconcileDrift(erp: ErpnextSnapshot, moodle: MoodleSnapshot, courseMap: Readonly<Record<string, string>> = {}): ReconcileReport {
  const drift: Drift[] = [];
  const heal = new Map<string, HealAction>();
  const addHeal = (action: HealAction) => heal.set(healActionKey(action), action);
  const byId = new Map(moodle.users.map((u) => [u.id, u]));
  const courseIdnumbers = new Set(moodle.courses.map((c) => c.idnumber).filter(Boolean));
  const programCourses = new Set(Object.values(erp.programCourses).flat());

  for (const student of erp.students) {
    const accountsByIdnumber = moodle.users.filter((u) => u.idnumber === student.name);
    const linked = student.moodleUserId > 0 ? byId.get(student.moodleUserId) : undefined;
    const question = linked ? undefined : identityQuestion(accountsByIdnumber, student.email, moodle.users, student.name);
    if (question) {
      drift.push({ kind: 'identity-conflict', student: student.name, remedy: `a person decides (${question}); onboarding parks it for the admin API` });
      continue;
    }
    const account = linked ?? (accountsByIdnumber.length === 1 ? accountsByIdnumber[0] : undefined);
    const enrollments = erp.enrollments.filter((e) => e.student === student.name);
    if (!account) {
      if (isPlaceholderEmail(student.email)) continue; // onboarding deliberately makes no account (outcome no-email)
      drift.push({ kind: 'no-moodle-account', student: student.name, remedy: 'onboard (creates or links the account, enrols every submitted program)' });
      addHeal({ kind: 'onboard', student: student.name });
      continue;
    }
    // Not linked in ERPNext yet: onboarding finds the account by idnumber, writes the id back and enrols.
    const viaOnboarding = student.moodleUserId === 0;
    const wanted = new Set<string>();
    for (const enrollment of enrollments) {
      for (const course of erp.programCourses[enrollment.program] ?? []) {
        if (!courseIdnumbers.has(course)) continue; // a program course with no Moodle course: doctor reports it
        wanted.add(course);
        const roster = moodle.rosters[course] ?? { active: [], suspended: [] };
        if (roster.active.includes(account.id)) continue;
        const suspended = roster.suspended.includes(account.id);
        const remedy = viaOnboarding ? 'onboard (links the account by idnumber, then enrols)' : `enroll ${enrollment.name} (sends the full active state)`;
        drift.push({ kind: suspended ? 'enrolment-suspended' : 'enrolment-missing', student: student.name, course, programEnrollment: enrollment.name, remedy });
        addHeal(viaOnboarding ? { kind: 'onboard', student: student.name } : { kind: 'enroll', programEnrollment: enrollment.name, student: student.name, program: enrollment.program });
      }
    }
    for (const [course, roster] of Object.entries(moodle.rosters)) {
      // Only program courses: electives are joined in Moodle (and paid there), not enrolled from ERPNext.
      if (!programCourses.has(course) || wanted.has(course) || !roster.active.includes(account.id)) continue;
      drift.push({ kind: 'enrolment-extra', student: student.name, course, remedy: 'a person decides: no submitted Program Enrollment covers it (withdrawing could delete grades)' });
    }
    const fields = driftedFields(student, account);
    if (fields.length > 0) {
      drift.push({ kind: 'profile-drift', student: student.name, fields, remedy: 'profile sync (ERPNext wins)' });
      addHeal(viaOnboarding ? { kind: 'onboard', student: student.name } : { kind: 'profile', student: student.name });
    }
  }

  const gradesNotInErpnext: Record<string, number> = {};
  for (const [course, graded] of Object.entries(moodle.gradedByCourse)) {
    const missing = graded - (erp.resultsByCourse[erpnextCourseOf(course, courseMap)] ?? 0);
    if (missing > 0) gradesNotInErpnext[course] = missing;
  }
  const counts: ReconcileReport['counts'] = {};
  for (const d of drift) counts[d.kind] = (counts[d.kind] ?? 0) + 1;
  return { students: erp.students.length, drift, counts, gradesNotInErpnext, heal: [...heal.values()] };
}

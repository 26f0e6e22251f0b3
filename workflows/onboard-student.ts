import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { StudentForMoodle } from '../activities/erpnext';
import type { moodleFailureTypes } from '../activities/moodle';
import type { MoodleAccount } from '../src/mapping/moodle-account';
import type { LifecyclePolicy } from '../src/mapping/lifecycle-policy';
import { NeedsOperator } from '../src/common/search-attributes';
import { workflowIds } from '../src/common/workflow-ids';
import { admissionChangeSignal, enrolGranted, HandedChanges, readGrants, type GrantedEnrolment } from './admission-handover';
import { awaitRegistrationFee } from './fee-gate';
import { erpnext, moodle } from './lifecycle-activities';
import { startProfileWithBaseline } from './profile-baseline';
import { moodleBaselineSignal } from './sync-profile';
import { showActivityWaits } from './waiting-on';

export interface OnboardStudentInput {
  studentId: string;
  policy: LifecyclePolicy;
}

/**
 * An identity question the workflow will not guess at:
 * - `duplicate-idnumber`: several Moodle accounts already carry the Student name;
 * - `email-taken`: accounts with the student's email exist but carry another idnumber (or several match);
 * - `shared-email`: other Students have the same email, so an account matched by email may be theirs;
 * - `account-claimed`: the account being linked was found carrying another idnumber just before
 *   the write (claimed since it was chosen, or chosen by the operator while claimed); candidates are
 *   what Moodle holds now. Clear its idnumber in Moodle to link it after all.
 */
export interface IdentityConflict {
  kind: 'duplicate-idnumber' | 'email-taken' | 'shared-email' | 'account-claimed';
  studentId: string;
  /** Moodle accounts the operator may link to. */
  candidates: MoodleAccount[];
  /** Other ERPNext Students involved (shared-email). */
  otherStudents: string[];
  /** ISO time the workflow parked. */
  since: string;
}

export type ConflictDecision = { action: 'link'; moodleUserId: number } | { action: 'create' } | { action: 'skip' };

export interface OnboardStudentResult {
  studentId: string;
  /** `no-email`: the Student has only a placeholder address, so no account was made or linked. */
  outcome: 'created' | 'linked' | 'existing' | 'skipped' | 'no-email';
  moodleUserId: number | null;
  /** The operator's decision, when a conflict was resolved. */
  decision?: ConflictDecision['action'];
  enrolledCourses: string[];
  /** Program course idnumbers with no Moodle course. */
  missingCourses: string[];
  /**
   * What the enrolment covered: the submitted Program Enrollments its reads saw and their
   * Programs' ERPNext Courses. Their enrolment events arriving after this run need no reads of
   * their own (admissionEventHandler). Absent when no account was enrolled.
   */
  coverage?: GrantedEnrolment['coverage'];
}

export const onboardingFailureTypes = {
  /** Nobody resolved the identity conflict within the mapping's conflictTimeout. */
  conflictUnresolved: 'IdentityConflictUnresolved',
} as const;

/** Marks runs that ask independent steps side by side (issue 12); older histories replay one at a time. */
const parallelStepsPatch = 'onboarding-parallel-steps';

/** Marks runs that read the student's grants beside the account look-up (issue 12); older ones read after the account. */
const grantsBesideAccountPatch = 'onboarding-grants-beside-account';
/** Marks runs that read for a handover taken while the write-back ran; older runs completed without it. */
const handoverDuringWriteBackPatch = 'onboarding-reads-handovers-taken-during-write-back';
/** Marks runs whose parking waits for the early grants read; runs that parked before it waited for none. */
const parkAfterGrantsReadPatch = 'parked-onboarding-awaits-early-grants-read';

/** Operator decision on a parked conflict; validated before it enters history. */
export const resolveConflictUpdate = defineUpdate<ConflictDecision['action'], [ConflictDecision]>('resolveConflict');
/** The conflict this workflow is parked on, or null. */
export const conflictQuery = defineQuery<IdentityConflict | null>('conflict');

/**
 * Onboards a Student: find (by idnumber, then email ignoring case) or create the Moodle user,
 * write its id back to the Student, enrol the courses of every submitted Program Enrollment
 * (and of the enrolment events its admission's other workflows handed over: admission-handover.ts).
 */
export async function onboardStudent(input: OnboardStudentInput): Promise<OnboardStudentResult> {
  showActivityWaits();
  const parking: { conflict: IdentityConflict | null; decision?: ConflictDecision } = { conflict: null };
  setHandler(conflictQuery, () => parking.conflict);
  const handed = new HandedChanges();
  setHandler(admissionChangeSignal, (change) => handed.add(change));
  // An update rather than a signal: the operator learns at once whether the decision was accepted.
  setHandler(
    resolveConflictUpdate,
    (chosen) => {
      parking.decision = chosen;
      return chosen.action;
    },
    { validator: (chosen) => validateDecision(parking.conflict, parking.decision, chosen) },
  );

  // With onboarding.requirePaidFee: nothing is read or written until the fee is paid or released.
  await awaitRegistrationFee(input.studentId, input.policy.registrationFee);
  const student = await erpnext.erpnextGetStudentForMoodle(input.studentId);
  if (!student.emailDeliverable) {
    return { studentId: student.studentId, outcome: 'no-email', moodleUserId: null, enrolledCourses: [], missingCourses: [] };
  }
  // Runs recorded before it looked up and wrote back one step at a time.
  const parallelSteps = patched(parallelStepsPatch);
  // What the student is granted needs only the Student, not the account: read while the account
  // is looked up or made, the enrol follows the account at once instead of two calls later.
  const early = patched(grantsBesideAccountPatch) ? readGrants(student.studentId, handed, true) : undefined;
  // Not awaited when the run parks or returns first: its failure must not fail the task.
  early?.catch(() => undefined);
  let found = await identify(student, parallelSteps);
  // A run that parks lets its early read finish first. An operator's decision can complete the run
  // in the task it arrives in; had the read's completion arrived during that task too, Temporal
  // would fail the task and abort the decision's update ("Workflow Update failed", seen in CI).
  if ('conflict' in found && patched(parkAfterGrantsReadPatch)) await early?.catch(() => undefined);
  // A run that parked decides later, maybe days: it reads again then, not what stood at its start.
  const grantsRead = 'conflict' in found ? undefined : early;
  // A link the account refuses (claimed by another) parks again, so this may take several decisions.
  while ('conflict' in found) {
    parking.conflict = found.conflict;
    parking.decision = undefined;
    const chosen = await awaitDecision(found.conflict, input.policy.conflictTimeoutMs, () => parking.decision);
    parking.conflict = null;
    if (chosen.action === 'skip') {
      await allHandlersFinished();
      return { studentId: student.studentId, outcome: 'skipped', moodleUserId: null, decision: 'skip', enrolledCourses: [], missingCourses: [] };
    }
    found = chosen.action === 'link' ? await link(chosen.moodleUserId, student) : await create(student);
  }
  const account = found;

  if (account.outcome !== 'created') {
    // ERPNext wins: an account that existed before gets the Student's profile now.
    await moodle.moodleSyncProfile({ userId: account.moodleUserId, desired: student.desired, baseline: null });
  }
  const writeBack = async () => {
    await shareBaseline(student);
    // The Student was read at the start; only this run writes its Moodle user id.
    await erpnext.erpnextSetMoodleUserId({ studentId: student.studentId, moodleUserId: account.moodleUserId, current: student.moodleUserId });
  };
  const enrol = (alongside?: Promise<unknown>) => enrolGranted(student.studentId, account.moodleUserId, input.policy.studentRoleId, handed, grantsRead, alongside);
  // The write-back and the enrolment need only the account, not each other: side by side, the
  // student is enrolled three workflow-task round trips sooner.
  let granted: Awaited<ReturnType<typeof enrol>>;
  if (parallelSteps) {
    // Runs recorded before it could complete with a handover taken during the write-back unread.
    const readsAfterWriteBack = patched(handoverDuringWriteBackPatch);
    const writing = writeBack();
    [, granted] = await Promise.all([writing, enrol(readsAfterWriteBack ? writing : undefined)]);
  } else {
    await writeBack();
    granted = await enrol();
  }
  const { enrolledCourses, missingCourses, coverage } = granted;
  await allHandlersFinished();
  return { studentId: student.studentId, ...account, decision: parking.decision?.action, enrolledCourses, missingCourses, coverage };
}

interface Account {
  moodleUserId: number;
  outcome: 'created' | 'linked' | 'existing';
}

/**
 * Finds the student's account, links an unclaimed one with the same email, or creates one when
 * nothing matches; anything ambiguous comes back as a conflict. Checking before creating matters:
 * a failed create says only "Invalid parameter value detected".
 */
async function identify(student: StudentForMoodle, parallelSteps: boolean): Promise<Account | { conflict: IdentityConflict }> {
  // The two look-ups need only the Student: asked together, one round trip instead of two, at the
  // price of an ERPNext read an account found by idnumber did not need (a re-run, rare).
  const sharingEmail = () => erpnext.erpnextStudentsSharingEmail({ studentId: student.studentId, email: student.email });
  const sharingAsked = parallelSteps ? sharingEmail() : undefined;
  // Not awaited when an account carries the idnumber: its failure must not fail the task.
  sharingAsked?.catch(() => undefined);
  const accounts = await moodle.moodleFindStudentAccounts({ idnumber: student.studentId, email: student.email });
  const [byIdnumber] = accounts.byIdnumber;
  if (accounts.byIdnumber.length > 1) return parked('duplicate-idnumber', student, accounts.byIdnumber, []);
  if (byIdnumber) return { moodleUserId: byIdnumber.id, outcome: 'existing' };

  const sharing = await (sharingAsked ?? sharingEmail());
  if (sharing.length > 0) return parked('shared-email', student, accounts.byEmail, sharing);
  const [byEmail] = accounts.byEmail;
  if (accounts.byEmail.length > 1 || (byEmail && byEmail.idnumber !== '')) return parked('email-taken', student, accounts.byEmail, []);
  return byEmail ? link(byEmail.id, student) : create(student);
}

/**
 * Tells the student's profile workflow what Moodle now holds, so the on_update that the Moodle
 * user id write-back fires finds nothing to push, even for fields Moodle does not show us.
 */
async function shareBaseline(student: StudentForMoodle): Promise<void> {
  const profile = getExternalWorkflowHandle(workflowIds.profile(student.studentId));
  // Runs recorded before the fingerprint existed signalled the baseline alone and started nothing.
  const withFingerprint = patched('profile-skips-unchanged-saves');
  try {
    if (withFingerprint) await profile.signal(moodleBaselineSignal, student.desired, student.profileFingerprint);
    else await profile.signal(moodleBaselineSignal, student.desired);
  } catch (err) {
    if (isCancellation(err)) throw err;
    // No profile workflow runs yet: start it knowing what was written, so the on_update that the
    // write-back fires is recognised from its body and costs no call to either system.
    if (withFingerprint) await startProfileWithBaseline(student.studentId, student.desired, student.profileFingerprint);
  }
}

function parked(kind: IdentityConflict['kind'], student: StudentForMoodle, candidates: MoodleAccount[], otherStudents: string[]): { conflict: IdentityConflict } {
  return { conflict: { kind, studentId: student.studentId, candidates, otherStudents, since: new Date().toISOString() } };
}

/** Raised by moodleLinkAccount; the type annotation keeps the two spellings together. */
const accountClaimed: (typeof moodleFailureTypes)['accountClaimed'] = 'AccountClaimedByAnother';

/**
 * Links the account, unless it carries another idnumber when the activity looks just before
 * writing: then the operator decides again, on a fresh look at the accounts (never an overwrite).
 */
async function link(moodleUserId: number, student: StudentForMoodle): Promise<Account | { conflict: IdentityConflict }> {
  try {
    await moodle.moodleLinkAccount({ userId: moodleUserId, idnumber: student.studentId });
  } catch (err) {
    if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === accountClaimed)) throw err;
    const accounts = await moodle.moodleFindStudentAccounts({ idnumber: student.studentId, email: student.email });
    const byEmail = accounts.byEmail.filter((account) => !accounts.byIdnumber.some((own) => own.id === account.id));
    return parked('account-claimed', student, [...accounts.byIdnumber, ...byEmail], []);
  }
  return { moodleUserId, outcome: 'linked' };
}

async function create(student: StudentForMoodle): Promise<Account> {
  const { id } = await moodle.moodleCreateStudentUser(student.desired);
  return { moodleUserId: id, outcome: 'created' };
}

/** Parks visibly (NeedsOperator) until a decision arrives or the timeout passes. */
async function awaitDecision(conflict: IdentityConflict, timeoutMs: number, decided: () => ConflictDecision | undefined): Promise<ConflictDecision> {
  upsertSearchAttributes([{ key: NeedsOperator, value: true }]);
  const arrived = await condition(() => decided() !== undefined, timeoutMs);
  upsertSearchAttributes([{ key: NeedsOperator, value: false }]);
  const chosen = decided();
  if (!arrived || !chosen) {
    throw ApplicationFailure.create({
      message: `Identity conflict (${conflict.kind}) for Student ${conflict.studentId} was not resolved within ${readableDuration(timeoutMs)}; fix the accounts in Moodle or ERPNext and re-run onboarding`,
      type: onboardingFailureTypes.conflictUnresolved,
      nonRetryable: true,
    });
  }
  return chosen;
}

function validateDecision(conflict: IdentityConflict | null, already: ConflictDecision | undefined, chosen: ConflictDecision): void {
  if (!conflict) throw new Error('this workflow is not waiting for a decision');
  if (already) throw new Error(`a decision (${already.action}) was already taken`);
  if (chosen.action === 'link' && !conflict.candidates.some((account) => account.id === chosen.moodleUserId)) {
    const ids = conflict.candidates.map((account) => account.id).join(', ') || 'none';
    throw new Error(`moodleUserId must be one of the conflicting accounts (${ids})`);
  }
  if (chosen.action === 'create' && conflict.kind === 'duplicate-idnumber') {
    throw new Error('accounts already carry this idnumber; link one of them or skip');
  }
}

function readableDuration(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1_000, 's']];
  const [size, unit] = units.find(([unitMs]) => ms >= unitMs) ?? [1, 'ms'];
  return `${Math.round((ms / size) * 10) / 10}${unit}`;
}

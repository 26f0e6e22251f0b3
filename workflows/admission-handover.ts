import { defineSignal, getExternalWorkflowHandle, isCancellation, patched, proxyLocalActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { ChangeFeedReadActivities } from '../activities/change-feed-reads';
import type { CoursesGranted, HandedCourseEnrollment } from '../activities/erpnext';
import type { LifecyclePolicy } from '../src/mapping/lifecycle-policy';
import { Program } from '../src/common/search-attributes';
import { workflowIds } from '../src/common/workflow-ids';
import { lifecycleActivityOptions } from './activity-options';
import { erpnext, moodle } from './lifecycle-activities';
import { resolveCourses, type ProgramCourses } from './program-courses';
import { withdrawNoLongerGranted } from './stale-enrolment';

/**
 * A Program or Course Enrollment event for a student whose onboarding is still running. In an
 * admission the Student, its Program Enrollment and Education's Course Enrollment per program
 * course arrive together, and onboarding reads the student's submitted Program Enrollments (and
 * their courses) anyway before it enrols. So the enrolment workflows hand their event over and
 * stop, instead of each reading the same documents again and enrolling a second time; onboarding
 * takes every handed event into its one enrolment, and reads again for one that arrived after it
 * read. A withdrawal tells the runs still enrolling that a Program Enrollment was cancelled
 * (stale-enrolment.ts).
 */
export type AdmissionChange = { programEnrollment: string } | { courseEnrollment: HandedCourseEnrollment } | { programWithdrawn: ProgramWithdrawn };

export interface ProgramWithdrawn {
  programEnrollment: string;
  mode: LifecyclePolicy['withdrawal'];
}

export const admissionChangeSignal = defineSignal<[AdmissionChange]>('admissionChange');

/** Marks runs that hand over; histories recorded before it replay the old command sequence. */
const handoverPatch = 'hand-admission-changes-to-onboarding';

/**
 * Signals the student's onboarding run. True when it is running and took the event; false when
 * there is none (never started, or finished: the student's account exists or never will), so the
 * caller handles the event itself.
 */
async function handOverToOnboarding(student: string, change: AdmissionChange): Promise<boolean> {
  if (!patched(handoverPatch)) return false;
  try {
    await getExternalWorkflowHandle(workflowIds.onboard(student)).signal(admissionChangeSignal, change);
    return true;
  } catch (err) {
    if (isCancellation(err)) throw err;
    return false;
  }
}

/**
 * Asked inside the event's workflow task: a read of Temporal alone (no external system, no rate
 * limit), so no activity task of its own. A burst's events mostly arrive after their onboarding
 * has finished (the site delivers a Data Import's Student webhooks before its enrolment ones).
 */
const temporalHere = proxyLocalActivities<ChangeFeedReadActivities>({ ...lifecycleActivityOptions, startToCloseTimeout: '10s' });

/** Marks runs that ask how onboarding stands before handing over; older histories signal at once. */
const askOnboardingPatch = 'admission-event-asks-onboarding-first';

/**
 * Who handles an enrolment event of the student's admission, for the event's Program Enrollment
 * (the Course Enrollment's, for a Course Enrollment event). `covered`: the student's onboarding
 * has completed and its enrolment covered the event (it read that Program Enrollment submitted
 * and, for a Course Enrollment, its course among the Program's courses), so reading the documents
 * again would find nothing to do. `handed`: a running onboarding took it (handOverToOnboarding).
 * `own`: the caller handles it, as when no onboarding runs.
 */
export async function admissionEventHandler(student: string, programEnrollment: string, change: { programEnrollment: string } | { courseEnrollment: HandedCourseEnrollment }): Promise<'covered' | 'handed' | 'own'> {
  if (patched(askOnboardingPatch)) {
    const onboarding = await temporalHere.temporalOnboardingCoverage(student);
    // A completed run cannot take a signal and never runs again.
    if (onboarding.state === 'completed') {
      const courseCovered = 'programEnrollment' in change || onboarding.courses.includes(change.courseEnrollment.course);
      return onboarding.programEnrollments.includes(programEnrollment) && courseCovered ? 'covered' : 'own';
    }
  }
  return (await handOverToOnboarding(student, change)) ? 'handed' : 'own';
}

/** Marks withdrawals that tell the enrolling runs; histories recorded before it replay without the signals. */
const withdrawalNoticePatch = 'withdrawal-tells-enrolling-runs';

/**
 * Tells the student's onboarding and the Program Enrollment's own enrolment, if either still
 * runs, that the enrollment was cancelled (stale-enrolment.ts). Runs that have closed need nothing.
 */
export async function tellEnrollingRuns(student: string, withdrawn: ProgramWithdrawn): Promise<void> {
  if (!patched(withdrawalNoticePatch)) return;
  for (const workflowId of [workflowIds.onboard(student), workflowIds.enroll(withdrawn.programEnrollment)]) {
    try {
      await getExternalWorkflowHandle(workflowId).signal(admissionChangeSignal, { programWithdrawn: withdrawn });
    } catch (err) {
      if (isCancellation(err)) throw err;
    }
  }
}

/** What onboarding's own run has been handed, as the signal handler collects it. */
export class HandedChanges {
  private readonly changes: AdmissionChange[] = [];
  private readonly withdrawals: ProgramWithdrawn[] = [];

  add(change: AdmissionChange): void {
    if ('programWithdrawn' in change) this.withdrawals.push(change.programWithdrawn);
    else this.changes.push(change);
  }

  /** Enrolment changes handed so far. */
  get count(): number {
    return this.changes.length;
  }

  /** Withdrawals told so far, the latest last. */
  get withdrawn(): readonly ProgramWithdrawn[] {
    return this.withdrawals;
  }

  /** Enrolment changes handed from `from` on. */
  since(from: number): AdmissionChange[] {
    return this.changes.slice(from);
  }

  /** Course Enrollments handed from `from` on. */
  courseEnrollmentsSince(from: number): HandedCourseEnrollment[] {
    return this.changes.slice(from).flatMap((c) => ('courseEnrollment' in c ? [c.courseEnrollment] : []));
  }
}

export interface GrantedEnrolment {
  programs: string[];
  enrolledCourses: string[];
  missingCourses: string[];
  /** What the reads covered (admissionEventHandler): the submitted Program Enrollments seen, and their Programs' ERPNext Courses. */
  coverage: { programEnrollments: string[]; courses: string[] };
}

/** One read of what the student is granted, with the Moodle courses it names. */
export interface GrantsRead {
  /** How many handed changes the read covers by count: those handed before it was asked. */
  covered: number;
  granted: CoursesGranted;
  resolution: ProgramCourses;
}

/**
 * Reads what the student's submitted Program Enrollments grant (with the Course Enrollments
 * handed from `from` on) and resolves the courses not yet `enrolled` to Moodle ids. The first
 * read of a run names its program on the run (search attribute Program).
 */
export async function readGrants(studentId: string, handed: HandedChanges, first: boolean, from = 0, enrolled: ReadonlyMap<string, number> = new Map()): Promise<GrantsRead> {
  const covered = handed.count;
  const courseEnrollments = handed.courseEnrollmentsSince(from);
  const granted = await erpnext.erpnextCoursesGranted(courseEnrollments.length > 0 ? { studentId, courseEnrollments } : { studentId });
  if (first && granted.programs[0] !== undefined) upsertSearchAttributes([{ key: Program, value: granted.programs[0] }]);
  const resolution = await resolveCourses(granted.courseIdnumbers.filter((idnumber) => !enrolled.has(idnumber)));
  return { covered, granted, resolution };
}

/**
 * Enrols what the student's submitted Program Enrollments grant, plus handed Course Enrollments
 * they do not cover. A read covers every event handed before it; one handed while this went on
 * (its workflow saw this run still running) is read for again, and only courses not yet enrolled
 * are sent. Without handed events this is one read, one course resolution and one enrol.
 *
 * `early` is a read onboarding asked beside the account look-up (patched in onboard-student.ts):
 * the admission's handovers mostly arrive after it, so a handover is then read for again only
 * when no read so far covers its content (its Program Enrollment read submitted, its Course one
 * of the read programs'). Without `early`, any handover after a read is read for again, as runs
 * recorded before did.
 */
export async function enrolGranted(
  studentId: string,
  userId: number,
  roleId: number,
  handed: HandedChanges,
  early?: Promise<GrantsRead>,
  alongside?: Promise<unknown>,
): Promise<GrantedEnrolment> {
  const programs = new Set<string>();
  const enrolled = new Map<string, number>();
  const missing = new Set<string>();
  const seenEnrollments = new Set<string>();
  const seenCourses = new Set<string>();
  const coveredByContent = (change: AdmissionChange) =>
    'programEnrollment' in change ? seenEnrollments.has(change.programEnrollment) : 'courseEnrollment' in change && seenCourses.has(change.courseEnrollment.course);
  const needsRead = (covered: number) => (early ? handed.since(covered).some((change) => !coveredByContent(change)) : handed.count > covered);
  let covered = 0;
  const readAndEnrol = async (first: boolean) => {
    const read = first && early ? await early : await readGrants(studentId, handed, first, covered, enrolled);
    covered = read.covered;
    const { granted, resolution } = read;
    granted.programs.forEach((p) => programs.add(p));
    granted.programEnrollments?.forEach((name) => seenEnrollments.add(name));
    granted.coveredCourses?.forEach((course) => seenCourses.add(course));
    resolution.missing.forEach((idnumber) => missing.add(idnumber));
    const fresh = resolution.courses.filter((c) => !enrolled.has(c.idnumber));
    // The first enrol is always sent (empty it does nothing), as runs before the handover did.
    if (first || fresh.length > 0) await moodle.moodleEnrolStudent({ userId, courseIds: fresh.map((c) => c.id), roleId });
    fresh.forEach((c) => enrolled.set(c.idnumber, c.id));
  };
  for (let first = true; first || needsRead(covered); first = false) await readAndEnrol(first);
  // `alongside` is the caller's work in parallel (onboarding's write-back): a handover arriving
  // while it still runs would be taken by the running workflow and never read. A failed one fails
  // the caller, which then ends; nothing more is sent.
  if (alongside && (await alongside.then(() => true, () => false))) while (needsRead(covered)) await readAndEnrol(false);
  // A withdrawal told while this enrolled: what it read may be stale by now (stale-enrolment.ts).
  for (let told = 0; handed.withdrawn.length > told; ) {
    told = handed.withdrawn.length;
    const check = { studentId, userId, roleId, mode: handed.withdrawn[told - 1].mode, courseEnrollments: handed.courseEnrollmentsSince(0) };
    const withdrawn = await withdrawNoLongerGranted({ ...check, enrolled: [...enrolled].map(([idnumber, id]) => ({ idnumber, id })) });
    withdrawn.forEach((idnumber) => enrolled.delete(idnumber));
  }
  return { programs: [...programs], enrolledCourses: [...enrolled.keys()], missingCourses: [...missing], coverage: { programEnrollments: [...seenEnrollments], courses: [...seenCourses] } };
}

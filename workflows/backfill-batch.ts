import { patched } from '@temporalio/workflow';
import type { BackfillPageStudent, LinkWriteBack } from '../activities/backfill-erpnext';
import type { BackfillEnrolment, RecordFailure } from '../activities/backfill-moodle';
import type { ProfileBaseline } from '../activities/profile-baselines';
import { planBatch, plannedAccountId, type StudentPlan } from '../src/mapping/backfill-plan';
import { moodleProfileUpdate } from '../src/mapping/profile-changes';
import type { MoodleUserUpdate } from '../src/moodle/client';
import { backfillActivities, type BackfillRetry } from './backfill-activities';
import { startProfileWithBaseline } from './profile-baseline';

export interface BackfillBatchInput {
  /** The batch's Students as the parent read them (a re-run by name; and runs recorded before `page`). */
  students?: BackfillPageStudent[];
  /** Or the page the batch reads itself: the Students after `after` up to and including `upTo`, by name. */
  page?: { after: string | null; upTo: string };
  /** Program → Moodle course ids (courses without a Moodle counterpart already left out). */
  programCourses: Record<string, number[]>;
  roleId: number;
  /** The auth plugin new accounts get (mapping file `moodle.auth`). */
  auth: string;
  /** Look and plan only: nothing is written anywhere. */
  dryRun: boolean;
  /**
   * How many plan rows the run still keeps (it lists the first `backfillLimits.planRows`): a
   * planning batch returns at most that many, so rows nobody keeps stay out of the parent's
   * history (100 rows are some 15 KB). Absent in runs recorded before it: every row.
   */
  planRows?: number;
  retry?: BackfillRetry;
}

/** The counts every batch reports and the run adds up. */
export interface BackfillCounts {
  students: number;
  /** Accounts to create / created. */
  create: number;
  /** Accounts found by email to link / linked (idnumber set). */
  link: number;
  /** Accounts already carrying the idnumber. */
  alreadyLinked: number;
  /** Moodle profiles that differ from ERPNext, to update / updated. */
  profiles: number;
  enrolments: number;
  /** Student.custom_moodle_user_id values to write / written. */
  writeBacks: number;
  conflicts: number;
  failed: number;
  /** Students with any change at all: what the mass-change breaker weighs. */
  changed: number;
}

export const noCounts: BackfillCounts = { students: 0, create: 0, link: 0, alreadyLinked: 0, profiles: 0, enrolments: 0, writeBacks: 0, conflicts: 0, failed: 0, changed: 0 };

/** A record the run did not sync, and why: a conflict for a person to decide, or a failure to fix and re-run. */
export interface BackfillIssue {
  student: string;
  kind: 'conflict' | 'failed';
  stage: 'read' | 'plan' | 'create' | 'update' | 'enrol' | 'write-back';
  reason: string;
  accountIds?: number[];
}

/** One line of the dry-run CSV. */
export interface PlanRow {
  student: string;
  action: StudentPlan['action']['kind'];
  moodleUserId: number | null;
  /** Moodle courses the student's programs give (for an existing account, some may be enrolled already). */
  courses: number;
  profile: string;
  writeBack: boolean;
}

export interface BackfillBatchResult {
  counts: BackfillCounts;
  issues: BackfillIssue[];
  /** Students of a batch's own page it could not read (not counted in `counts`, as the parent's unread ones are not). */
  unread?: BackfillIssue[];
  /** Dry runs only. */
  plan?: PlanRow[];
}

function issuesOf(plans: StudentPlan[]): BackfillIssue[] {
  return plans.flatMap(({ student, action }): BackfillIssue[] => {
    if (action.kind === 'conflict') return [{ student, kind: 'conflict', stage: 'plan', reason: action.reason, accountIds: action.accountIds }];
    if (action.kind === 'invalid') return [{ student, kind: 'failed', stage: 'plan', reason: action.reason }];
    return [];
  });
}

/** A record a stage could not sync (a page read, a refused write), as the run lists it. */
export const failedAt = (stage: BackfillIssue['stage']) => (failure: RecordFailure): BackfillIssue => ({ student: failure.student, kind: 'failed', stage, reason: failure.reason });

/** Marks batches that start the profile workflows before the write-back; older histories replay without. */
const shareBaselinesPatch = 'backfill-shares-profile-baseline';
/** Marks batches that hand the baselines over in one activity beside the enrol, not as children after it. */
const baselinesBesideEnrolPatch = 'backfill-baselines-beside-enrol';

/**
 * Every Student whose Moodle user id is about to be written back gets its profile workflow
 * started (or signalled) with what Moodle now holds, as onboarding does: the write-back's
 * bulk_update saves each Student, each save fires on_update, and the gateway's signal then
 * finds nothing changed from the body instead of reading ERPNext and calling Moodle. Moodle holds
 * `desired` for each: created from it, updated to it, or already equal to it (the plan compared).
 */
function profileBaselines(students: BackfillPageStudent[]): ProfileBaseline[] {
  return students.flatMap((s) => (s.profileFingerprint === undefined ? [] : [{ studentId: s.name, baseline: s.desired, profileFingerprint: s.profileFingerprint }]));
}

/**
 * One batch of the backfill (a child of `backfill`): one Moodle look-up by idnumber and one by
 * email, then at most one create, one update, one enrol and one ERPNext write-back request for the
 * whole batch. Every write finds what already exists first, so running a batch again (a crashed
 * worker, a re-run) writes only what is still missing.
 */
export async function backfillBatch(input: BackfillBatchInput): Promise<BackfillBatchResult> {
  if (!input.page) return syncStudents(input, input.students ?? []);
  const { erpnext } = backfillActivities(input.retry);
  const page = await erpnext.erpnextBackfillPage({ after: input.page.after, size: 0, upTo: input.page.upTo });
  const unread = page.unreadable.map(failedAt('read'));
  // Every Student of the page was deleted or unreadable since the parent read its bounds.
  if (page.students.length === 0) return { counts: noCounts, issues: [], unread };
  return { ...(await syncStudents(input, page.students)), unread };
}

/** Finds, links or creates the batch's accounts, enrols them and writes the links back. */
async function syncStudents(input: BackfillBatchInput, students: BackfillPageStudent[]): Promise<BackfillBatchResult> {
  const { moodle, erpnext, temporal } = backfillActivities(input.retry);
  const found = await moodle.moodleBackfillLookup({ idnumbers: students.map((s) => s.name), emails: students.map((s) => s.desired.email) });
  const plans = planBatch(students, found, input.auth);
  const issues = issuesOf(plans);
  const byName = new Map(students.map((s) => [s.name, s]));
  const coursesOf = (student: string) => [...new Set((byName.get(student)?.programs ?? []).flatMap((p) => input.programCourses[p] ?? []))];

  const creates = plans.flatMap((p) => (p.action.kind === 'create' ? [{ student: p.student, user: p.action.user }] : []));
  const updates = plans.flatMap((p): { student: string; update: MoodleUserUpdate }[] => {
    const { action } = p;
    if (action.kind !== 'link' && action.kind !== 'linked') return [];
    if (action.kind === 'linked' && !action.profile) return [];
    const profile = action.profile ? moodleProfileUpdate(action.accountId, action.profile) : { id: action.accountId };
    return [{ student: p.student, update: action.kind === 'link' ? { ...profile, idnumber: p.student } : profile }];
  });

  // The account each student ends with; a refused write takes the student out of what follows.
  const accounts = new Map<string, number>();
  for (const p of plans) {
    const id = plannedAccountId(p.action);
    if (id !== null) accounts.set(p.student, id);
  }
  const newIds: number[] = [];
  if (!input.dryRun) {
    const created = await moodle.moodleBackfillCreateUsers(creates);
    for (const { student, id } of created.created) {
      accounts.set(student, id);
      newIds.push(id);
    }
    issues.push(...created.failed.map(failedAt('create')));
    const updated = await moodle.moodleBackfillUpdateUsers(updates);
    issues.push(...updated.failed.map(failedAt('update')));
    for (const { student } of updated.failed) if (plans.find((p) => p.student === student)?.action.kind === 'link') accounts.delete(student);
  }

  const enrolments: BackfillEnrolment[] = [...accounts].flatMap(([student, userid]) => coursesOf(student).map((courseid) => ({ student, userid, courseid })));
  // Who will be written back is known once the accounts are: the enrol adds none and removes none.
  const writeBacks: LinkWriteBack[] = [...accounts].flatMap(([student, moodleUserId]) => (byName.get(student)?.linkedMoodleUserId === moodleUserId ? [] : [{ student, moodleUserId }]));
  // A refused profile update leaves Moodle as it was: that save must still sync.
  const notUpdated = new Set(issues.filter((i) => i.stage === 'update').map((i) => i.student));
  const baselines = profileBaselines(writeBacks.flatMap(({ student }) => (notUpdated.has(student) ? [] : (byName.get(student) ?? []))));
  // The hand-over needs only Temporal: it runs while Moodle enrols, and both finish before the write-back.
  const besideEnrol = !input.dryRun && writeBacks.length > 0 && patched(baselinesBesideEnrolPatch);
  const sharing = besideEnrol && baselines.length > 0 ? temporal.temporalShareProfileBaselines(baselines) : Promise.resolve();
  const [enrolled] = await Promise.all([moodle.moodleBackfillEnrol({ enrolments, newUserIds: newIds, roleId: input.roleId, dryRun: input.dryRun }), sharing]);
  issues.push(...enrolled.failed.map(failedAt('enrol')));
  // A dry run cannot know new accounts' ids: their enrolments are all to add.
  const plannedNewEnrolments = input.dryRun ? creates.reduce((n, c) => n + coursesOf(c.student).length, 0) : 0;

  const plannedWriteBacks = writeBacks.length + (input.dryRun ? creates.length : 0);
  if (!input.dryRun && writeBacks.length > 0) {
    // Batches before `baselinesBesideEnrolPatch` started each profile workflow as a child here, after the enrol.
    if (!besideEnrol && patched(shareBaselinesPatch)) await Promise.all(baselines.map((b) => startProfileWithBaseline(b.studentId, b.baseline, b.profileFingerprint)));
    const written = await erpnext.erpnextBackfillWriteLinks(writeBacks);
    issues.push(...written.failed.map((student) => ({ student, kind: 'failed' as const, stage: 'write-back' as const, reason: 'ERPNext refused to save the Student' })));
  }

  const count = (kind: StudentPlan['action']['kind']) => plans.filter((p) => p.action.kind === kind).length;
  const failedCreates = issues.filter((i) => i.stage === 'create').length;
  const counts: BackfillCounts = {
    students: students.length,
    create: count('create') - failedCreates,
    link: count('link') - issues.filter((i) => i.stage === 'update' && plans.find((p) => p.student === i.student)?.action.kind === 'link').length,
    alreadyLinked: count('linked'),
    profiles: updates.filter((u) => Object.keys(u.update).some((key) => key !== 'id' && key !== 'idnumber')).length,
    enrolments: enrolled.added + plannedNewEnrolments,
    writeBacks: plannedWriteBacks - issues.filter((i) => i.stage === 'write-back').length,
    conflicts: issues.filter((i) => i.kind === 'conflict').length,
    failed: new Set(issues.filter((i) => i.kind === 'failed').map((i) => i.student)).size,
    changed: new Set([...creates.map((c) => c.student), ...updates.map((u) => u.student), ...enrolled.students, ...writeBacks.map((w) => w.student)]).size,
  };
  if (!input.dryRun) return { counts, issues };

  const plan: PlanRow[] = plans.slice(0, input.planRows ?? plans.length).map(({ student, action }) => ({
    student,
    action: action.kind,
    moodleUserId: plannedAccountId(action),
    courses: action.kind === 'create' || plannedAccountId(action) !== null ? coursesOf(student).length : 0,
    profile: action.kind === 'link' || action.kind === 'linked' ? Object.keys(action.profile?.fields ?? {}).join(' ') : '',
    writeBack: action.kind === 'create' || writeBacks.some((w) => w.student === student),
  }));
  return { counts, issues, plan };
}

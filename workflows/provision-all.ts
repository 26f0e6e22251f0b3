import { WorkflowExecutionAlreadyStartedError, type SearchAttributePair } from '@temporalio/common';
import { continueAsNew, defineQuery, executeChild, isCancellation, ParentClosePolicy, setHandler, startChild } from '@temporalio/workflow';
import type { TeacherConflict } from '../activities/moodle-roster';
import { planOfferings, type Offering } from '../src/mapping/roster-offerings';
import type { RosterSettings } from '../src/config/roster-settings';
import { describeFailure } from '../src/common/operator-failure';
import { rosterSyncKinds, rosterWorkflowIds } from '../src/common/roster-ids';
import type { MassChangeLimits } from '../src/common/mass-change-breaker';
import { Instructor, RosterCourse, StudentGroup, SyncKind } from '../src/common/search-attributes';
import { runCourseWindow } from './course-sync/course-window';
import { erpnextRoster, moodleRoster } from './provision-activities';
import { provisionCourse, type ProvisionCourseInput, type ProvisionCourseReport } from './provision-course';
import type { ProvisionTeacherAccountInput } from './provision-teacher-account';

export interface ProvisionAllInput {
  settings: RosterSettings;
  studentRoleId: number;
  auth: string;
  dryRun: boolean;
  /** Restrict to these Academic Terms, Student Groups (a group webhook), Instructors, Courses or Programs (their webhooks). */
  terms?: string[];
  groups?: string[];
  instructors?: string[];
  courses?: string[];
  programs?: string[];
  /** The mass-change breaker on each course's removals; `{ maxChanges: roster.maxRemovals, maxShare: 1 }` when absent. */
  limits?: MassChangeLimits;
  /** How long a parked teacher identity conflict waits for an operator (the mapping's `conflictTimeout`). */
  conflictTimeoutMs?: number;
  carry?: { pending: ProvisionCourseInput[]; report: ProvisionReport };
}

export interface ProvisionReport {
  dryRun: boolean;
  categoriesCreated: string[];
  categoriesRenamed: string[];
  courses: ProvisionCourseReport[];
  failed: { key: string; reason: string }[];
  /** Each parked for an operator as `teacher:<name>/account` (not in a dry run). */
  teacherConflicts: { instructor: string; reason: string; workflowId?: string }[];
  teachersWithoutAccount: { instructor: string; reason: string }[];
}

export const provisionProgressQuery = defineQuery<ProvisionReport & { running: string[]; pending: string[] }>('provisionProgress');

/** A course run is found by its course, each of its groups and each of its teachers. */
function courseAttributes(offering: Offering): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: SyncKind, value: rosterSyncKinds.provisionCourse },
    { key: RosterCourse, value: [offering.key] },
  ];
  if (offering.groups.length) pairs.push({ key: StudentGroup, value: offering.groups.map((group) => group.name) });
  if (offering.teachers.length) pairs.push({ key: Instructor, value: offering.teachers });
  return pairs;
}

const weekMs = 7 * 24 * 3600 * 1000;

/**
 * Parks an instructor's identity conflict in its own run (abandoned: it outlives this one), which
 * waits for an operator as a student onboarding does; one already parked is left waiting.
 */
async function parkTeacherConflict(conflict: TeacherConflict, input: ProvisionAllInput): Promise<ProvisionReport['teacherConflicts'][number]> {
  const workflowId = rosterWorkflowIds.teacherAccount(conflict.instructor);
  const { carry: _carry, ...defaults } = input;
  const args: [ProvisionTeacherAccountInput] = [{ conflict, timeoutMs: input.conflictTimeoutMs ?? weekMs, provision: { ...defaults, dryRun: false, terms: undefined, groups: undefined, courses: undefined, programs: undefined, instructors: [conflict.instructor] } }];
  try {
    await startChild('provisionTeacherAccount', {
      workflowId,
      args,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: SyncKind, value: rosterSyncKinds.teacherAccount },
        { key: Instructor, value: [conflict.instructor] },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return { instructor: conflict.instructor, reason: conflict.reason, workflowId };
}

/**
 * Provisions a term's roster: reads ERPNext once, ensures each category chain and resolves the
 * teachers' Moodle accounts once, then one `course:<key>` child per offering, `roster.parallelism` at a time, continuing as new
 * every `roster.coursesPerRun` courses with what is left (resumable: each child only writes
 * differences). Children run with the same dry-run flag, so a dry run writes nothing anywhere.
 */
export async function provisionAll(input: ProvisionAllInput): Promise<ProvisionReport> {
  const report: ProvisionReport = input.carry?.report ?? { dryRun: input.dryRun, categoriesCreated: [], categoriesRenamed: [], courses: [], failed: [], teacherConflicts: [], teachersWithoutAccount: [] };
  const running = new Set<string>();
  let pending: ProvisionCourseInput[] = input.carry?.pending ?? [];
  setHandler(provisionProgressQuery, () => ({ ...report, running: [...running], pending: pending.map((task) => task.offering.key) }));

  if (!input.carry) {
    const { settings } = input;
    const snapshot = await erpnextRoster.erpnextRosterSnapshot({ terms: input.terms, groups: input.groups, schedules: settings.offerings.includes('course-schedule'), emailField: settings.teachers.emailField });
    if (input.programs) snapshot.groups = snapshot.groups.filter((group) => group.program !== undefined && input.programs!.includes(group.program));
    let offerings: Offering[] = planOfferings(snapshot, settings);
    if (input.instructors) offerings = offerings.filter((offering) => offering.teachers.some((name) => input.instructors!.includes(name)));
    if (input.courses) offerings = offerings.filter((offering) => input.courses!.includes(offering.course));
    const wanted = new Set(offerings.flatMap((offering) => offering.teachers));
    const teachers = await moodleRoster.moodleEnsureTeacherAccounts({ instructors: snapshot.instructors.filter((i) => wanted.has(i.name)), auth: input.auth, dryRun: input.dryRun });
    report.teacherConflicts = input.dryRun ? teachers.conflicts.map(({ instructor, reason }) => ({ instructor, reason })) : await Promise.all(teachers.conflicts.map((conflict) => parkTeacherConflict(conflict, input)));
    report.teachersWithoutAccount = teachers.missing;
    // Courses share categories: each chain is ensured once, in order, before any course runs.
    const categoryIds = new Map<string, number | null>();
    for (const offering of offerings) {
      const chain = offering.categories.map((level) => level.idnumber).join('\u0000');
      if (categoryIds.has(chain)) continue;
      const categories = await moodleRoster.moodleEnsureCategories({ levels: offering.categories, rootCategory: settings.rootCategory, dryRun: input.dryRun });
      categoryIds.set(chain, categories.categoryId);
      report.categoriesCreated.push(...categories.created.filter((id) => !report.categoriesCreated.includes(id)));
      report.categoriesRenamed.push(...categories.renamed.filter((id) => !report.categoriesRenamed.includes(id)));
    }
    pending = offerings.map((offering) => ({
      offering,
      categoryId: categoryIds.get(offering.categories.map((level) => level.idnumber).join('\u0000')) ?? null,
      templateCourse: settings.templateCourse,
      teacherAccounts: teachers.accounts,
      teacherRoleId: settings.teachers.roleId,
      studentRoleId: input.studentRoleId,
      unenrolledStudents: settings.unenrolledStudents,
      limits: input.limits ?? { maxChanges: settings.maxRemovals, maxShare: 1 },
      dryRun: input.dryRun,
    }));
  }

  const rest = await runCourseWindow<ProvisionCourseInput>({
    pending,
    running,
    parallelism: input.settings.parallelism,
    perRun: input.settings.coursesPerRun,
    keyOf: (task) => task.offering.key,
    run: async (task) => {
      try {
        report.courses.push(
          await executeChild(provisionCourse, {
            args: [task],
            // A dry run gets its own id, so it never joins (or blocks) a real provisioning of the course.
            workflowId: `${rosterWorkflowIds.course(task.offering.key)}${task.dryRun ? ':dry-run' : ''}`,
            typedSearchAttributes: courseAttributes(task.offering),
          }),
        );
      } catch (err) {
        if (isCancellation(err)) throw err;
        report.failed.push({ key: task.offering.key, reason: describeFailure(err).message });
      }
    },
  });
  if (rest.length > 0) await continueAsNew<typeof provisionAll>({ ...input, carry: { pending: rest, report } });
  return report;
}

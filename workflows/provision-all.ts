import { continueAsNew, defineQuery, executeChild, isCancellation, setHandler } from '@temporalio/workflow';
import { planOfferings, type Offering } from '../src/mapping/roster-offerings';
import type { RosterSettings } from '../src/config/roster-settings';
import { describeFailure } from '../src/common/operator-failure';
import { rosterSyncKinds, rosterWorkflowIds } from '../src/common/roster-ids';
import { SyncKind } from '../src/common/search-attributes';
import { runCourseWindow } from './course-sync/course-window';
import { erpnextRoster, moodleRoster } from './provision-activities';
import { provisionCourse, type ProvisionCourseInput, type ProvisionCourseReport } from './provision-course';

export interface ProvisionAllInput {
  settings: RosterSettings;
  studentRoleId: number;
  auth: string;
  dryRun: boolean;
  /** Restrict to these Academic Terms, Student Groups (a group webhook) or Instructors (an instructor webhook). */
  terms?: string[];
  groups?: string[];
  instructors?: string[];
  carry?: { pending: ProvisionCourseInput[]; report: ProvisionReport };
}

export interface ProvisionReport {
  dryRun: boolean;
  categoriesCreated: string[];
  categoriesRenamed: string[];
  courses: ProvisionCourseReport[];
  failed: { key: string; reason: string }[];
  teacherConflicts: { instructor: string; reason: string }[];
  teachersWithoutAccount: { instructor: string; reason: string }[];
}

export const provisionProgressQuery = defineQuery<ProvisionReport & { running: string[]; pending: string[] }>('provisionProgress');

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
    let offerings: Offering[] = planOfferings(snapshot, settings);
    if (input.instructors) offerings = offerings.filter((offering) => offering.teachers.some((name) => input.instructors!.includes(name)));
    const wanted = new Set(offerings.flatMap((offering) => offering.teachers));
    const teachers = await moodleRoster.moodleEnsureTeacherAccounts({ instructors: snapshot.instructors.filter((i) => wanted.has(i.name)), auth: input.auth, dryRun: input.dryRun });
    report.teacherConflicts = teachers.conflicts;
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
      maxRemovals: settings.maxRemovals,
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
            typedSearchAttributes: [{ key: SyncKind, value: rosterSyncKinds.provisionCourse }],
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

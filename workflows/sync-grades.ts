import {
  continueAsNew,
  defineQuery,
  executeChild,
  isCancellation,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Mapping } from '../src/config/mapping-file';
import { selectCourses, type MappedCourse, type UnmappedCourse } from '../src/mapping/grades-courses';
import { runCourseWindow } from './course-window';
import { addCourse, emptySyncReport, type SyncReport } from './sync-report';
import { failureMessage } from './failure-message';
import { emptyCourseReport, syncCourseGrades, type CourseGradesReport } from './sync-course-grades';
import { erpnext, moodle } from './sync-activities';

/** The mapping-file settings a run needs; config reaches workflows only as input. */
export interface GradeSyncSettings {
  submitResults: boolean;
  /** Moodle course idnumber → Assessment Plan, overriding the lookup in ERPNext. */
  plans: Record<string, string>;
  /** ERPNext Course → Moodle course idnumber where they differ. */
  courses: Record<string, string>;
  parallelism: number;
  /** Courses one run handles before continuing as new, so history stays bounded whatever the server suggests. */
  coursesPerRun: number;
}

export interface CourseTask {
  course: MappedCourse;
  plan: string;
  since: number;
}

/** Watermarks are the newest `gradedategraded` written through per Moodle course idnumber. */
export type GradesReport = SyncReport<CourseGradesReport>;

export interface GradesProgress extends GradesReport {
  running: string[];
  pending: string[];
}

export interface SyncGradesInput {
  /** Restrict to one course: its Moodle idnumber or ERPNext Course name. */
  course?: string;
  /** Restrict to one ERPNext Student. */
  student?: string;
  settings: GradeSyncSettings;
  /** Work carried over by continue-as-new; absent on a fresh start. */
  carry?: { pending: CourseTask[]; report: GradesReport };
}

export const gradesProgressQuery = defineQuery<GradesProgress>('gradesProgress');

/** Workflow input from the mapping file; used by the schedule, the admin route and the CLI alike. */
export function gradeSyncSettings(mapping: Mapping, coursesPerRun = 500): GradeSyncSettings {
  const { submitResults, plans, parallelism } = mapping.grades;
  return { submitResults, plans, courses: mapping.courses, parallelism, coursesPerRun };
}

/**
 * Where this run starts: the last completed run's watermarks (see erpnextLastGradeWatermarks),
 * then the plan of every mapped course. Courses Moodle has but ERPNext cannot place are reported.
 */
async function planCourses(input: SyncGradesInput, report: GradesReport): Promise<CourseTask[]> {
  const { mapped, unmapped } = selectCourses(await moodle.moodleListCourses(), input.settings.courses, input.course);
  const found = await erpnext.erpnextFindAssessmentPlans(mapped.map((course) => course.erpnextCourse));
  const gaps: UnmappedCourse[] = [...unmapped];
  const tasks: CourseTask[] = [];
  // A filtered run re-reads its scope in full: an operator asking for it wants it checked, not skipped by the watermark.
  const incremental = input.course === undefined && input.student === undefined;
  for (const course of mapped) {
    const plan = input.settings.plans[course.moodleIdnumber] ?? found[course.erpnextCourse];
    if (plan === undefined) {
      gaps.push({ course: course.moodleIdnumber, reason: `no submitted Assessment Plan for ERPNext Course ${course.erpnextCourse}` });
      continue;
    }
    tasks.push({ course, plan, since: incremental ? (report.watermarks[course.moodleIdnumber] ?? 0) : 0 });
  }
  for (const gap of gaps) addCourse(report, emptyCourseReport(gap.course, 'unmapped', { reason: gap.reason }));
  return tasks;
}

/**
 * Nightly (or on demand) grade sync: one child workflow per course, at most `parallelism` at once
 * (a sliding window), continuing as new between courses when history grows large.
 */
export async function syncGrades(input: SyncGradesInput): Promise<GradesReport> {
  // The query answers from the first moment, before the watermarks and course plan are read.
  let report = input.carry?.report ?? emptySyncReport<CourseGradesReport>({});
  const running = new Set<string>();
  let pending: CourseTask[] = [];
  setHandler(gradesProgressQuery, () => ({ ...report, running: [...running], pending: pending.map((task) => task.course.moodleIdnumber) }));
  if (!input.carry) report = emptySyncReport<CourseGradesReport>(await erpnext.erpnextLastGradeWatermarks());
  pending = input.carry?.pending ?? (await planCourses(input, report));

  const runCourse = async (task: CourseTask): Promise<void> => {
    const key = task.course.moodleIdnumber;
    try {
      const { report: courseReport, watermark } = await executeChild(syncCourseGrades, {
        workflowId: `${workflowInfo().workflowId}/${key}`,
        args: [{ course: task.course, plan: task.plan, since: task.since, student: input.student, submitResults: input.settings.submitResults }],
      });
      addCourse(report, courseReport);
      // A run restricted to one student saw only part of the course, so it cannot move the watermark.
      if (input.student === undefined) report.watermarks[key] = watermark;
    } catch (err) {
      if (isCancellation(err)) throw err;
      // The course keeps its old watermark, so the next run retries exactly what failed here.
      addCourse(report, emptyCourseReport(key, 'failed', { plan: task.plan, reason: failureMessage(err) }));
    }
  };

  const rest = await runCourseWindow({
    pending,
    running,
    parallelism: input.settings.parallelism,
    perRun: input.settings.coursesPerRun,
    keyOf: (task) => task.course.moodleIdnumber,
    run: runCourse,
  });
  if (rest.length > 0) await continueAsNew<typeof syncGrades>({ ...input, carry: { pending: rest, report } });
  return report;
}

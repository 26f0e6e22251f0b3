import { defineQuery, executeChild, patched } from '@temporalio/workflow';
import { studentRunAttributes } from '../src/common/search-attributes';
import { syncKinds } from '../src/common/sync-kinds';
import type { MappedCourse } from '../src/mapping/mapped-courses';
import { singleRunStudentPatch } from './course-sync/single-run';
import { runCourseSync, type CourseSync, type CourseSyncProgress, type CourseSyncSettings, type CourseTask } from './course-sync/driver';
import { singleSyncRuns } from '../src/common/sync-runs';
import { addCourse, courseWatermarkKey, type SyncReport } from './course-sync/sync-report';
import type { SyncActivities } from './sync-activities';
import { emptyCourseGradesReport, syncCourseGrades, type CourseGradesReport } from './sync-course-grades';

/** The mapping-file settings a run needs; config reaches workflows only as input. */
export interface GradeSyncSettings extends CourseSyncSettings {
  submitResults: boolean;
  /** Moodle course idnumber → Assessment Plan, overriding the lookup in ERPNext. */
  plans: Record<string, string>;
}

export interface GradesCourseTask extends CourseTask {
  plan: string;
}

/** Watermarks are the newest `gradedategraded` written through per Moodle course and Assessment Plan, never past a skipped grade. */
export type GradesReport = SyncReport<CourseGradesReport>;

export type GradesProgress = CourseSyncProgress<CourseGradesReport>;

export interface SyncGradesInput {
  /** Restrict to one course: its Moodle idnumber or ERPNext Course name. */
  course?: string;
  /** Restrict to one ERPNext Student. */
  student?: string;
  settings: GradeSyncSettings;
  /** Work carried over by continue-as-new; absent on a fresh start. */
  carry?: { pending: GradesCourseTask[]; report: GradesReport };
  /** The single run's follow-ups (requests that arrived while it ran). */
  queued?: SyncGradesInput[];
  /** Where a follow-up starts: the watermarks the run before it ended with. */
  watermarks?: Record<string, number>;
}

const watermarkKey = (task: GradesCourseTask): string => courseWatermarkKey(task.course.moodleIdnumber, task.plan);

export const gradesProgressQuery = defineQuery<GradesProgress>('gradesProgress');

/** The Assessment Plan of every mapped course, starting at its watermark; a course without one is reported. */
async function planCourses(input: SyncGradesInput, mapped: MappedCourse[], report: GradesReport, { erpnext }: SyncActivities): Promise<GradesCourseTask[]> {
  const found = await erpnext.erpnextFindAssessmentPlans(mapped.map((course) => course.erpnextCourse));
  const tasks: GradesCourseTask[] = [];
  // A filtered run re-reads its scope in full: an operator asking for it wants it checked, not skipped by the watermark.
  const incremental = input.course === undefined && input.student === undefined;
  for (const course of mapped) {
    const plan = input.settings.plans[course.moodleIdnumber] ?? found[course.erpnextCourse];
    if (plan === undefined) {
      addCourse(report, emptyCourseGradesReport(course.moodleIdnumber, 'unmapped', { reason: `no submitted Assessment Plan for ERPNext Course ${course.erpnextCourse}` }));
      continue;
    }
    const task = { course, plan, since: 0 };
    tasks.push(incremental ? { ...task, since: report.watermarks[watermarkKey(task)] ?? 0 } : task);
  }
  return tasks;
}

const gradeSync: CourseSync<SyncGradesInput, GradesCourseTask, CourseGradesReport> = {
  progressQuery: gradesProgressQuery,
  plan: planCourses,
  syncCourse: (input, task, workflowId) =>
    executeChild(syncCourseGrades, {
      workflowId,
      // A per-student run's course children are per-student runs too; runs from before the patch started them without.
      ...(input.student !== undefined && patched(singleRunStudentPatch) ? { typedSearchAttributes: studentRunAttributes(syncKinds.grades, input.student) } : {}),
      args: [{ course: task.course, plan: task.plan, since: task.since, student: input.student, submitResults: input.settings.submitResults }],
    }),
  unmappedCourse: (course, reason) => emptyCourseGradesReport(course, 'unmapped', { reason }),
  failedCourse: (task, reason) => emptyCourseGradesReport(task.course.moodleIdnumber, 'failed', { plan: task.plan, reason }),
  // A run restricted to one student saw only part of the course, so it cannot move the watermark.
  movesWatermarks: (input) => input.student === undefined,
  watermarkKey,
  singleRun: { run: singleSyncRuns.grades, scope: (input) => JSON.stringify([input.course ?? null, input.student ?? null]), student: (input) => input.student },
};

/**
 * Nightly (or on demand) grade sync: one child workflow per course (syncCourseGrades), run by the
 * course-sync driver. One at a time: the work happens in the single run `grades:run`; a
 * Schedule's run hands its request to it and returns an empty report naming that run (`handedOverTo`).
 */
export async function syncGrades(input: SyncGradesInput): Promise<GradesReport> {
  return runCourseSync(gradeSync, input);
}

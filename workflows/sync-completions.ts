import { defineQuery, executeChild } from '@temporalio/workflow';
import type { MappedCourse } from '../src/mapping/mapped-courses';
import { RosterCourse } from '../src/common/search-attributes';
import { runCourseSync, type CourseSync, type CourseSyncProgress, type CourseSyncSettings, type CourseTask } from './course-sync/driver';
import type { SyncReport } from './course-sync/sync-report';
import { emptyCourseCompletionReport, syncCourseCompletions, type CourseCompletionReport } from './sync-course-completions';

export interface CompletionSyncSettings extends CourseSyncSettings {
  studentRoleId: number;
  /** Institution timezone: a completion's date is its local calendar day. */
  timeZone: string;
}

/** Watermarks are the newest completion time written through per Moodle course idnumber. */
export type CompletionReport = SyncReport<CourseCompletionReport>;

export interface SyncCompletionsInput {
  course?: string;
  settings: CompletionSyncSettings;
  carry?: { pending: CourseTask[]; report: CompletionReport };
}

export const completionsProgressQuery = defineQuery<CourseSyncProgress<CourseCompletionReport>>('completionsProgress');

const completionSync: CourseSync<SyncCompletionsInput, CourseTask, CourseCompletionReport> = {
  progressQuery: completionsProgressQuery,
  // Every mapped course: one without criteria says so in its own report (its child finds out in one request).
  plan: async (_input, mapped: MappedCourse[], report) => mapped.map((course) => ({ course, since: report.watermarks[course.moodleIdnumber] ?? 0 })),
  syncCourse: (input, task, workflowId) =>
    executeChild(syncCourseCompletions, {
      workflowId,
      args: [{ course: task.course, since: task.since, studentRoleId: input.settings.studentRoleId, timeZone: input.settings.timeZone }],
      typedSearchAttributes: [{ key: RosterCourse, value: [task.course.moodleIdnumber] }],
    }),
  unmappedCourse: (course, reason) => emptyCourseCompletionReport(course, 'unmapped', { reason }),
  failedCourse: (task, reason) => emptyCourseCompletionReport(task.course.moodleIdnumber, 'failed', { reason }),
  // Each course is read in full every run, so any run may move its watermark.
  movesWatermarks: () => true,
};

/**
 * Completions back to ERPNext: one child workflow per mapped course (syncCourseCompletions), run
 * by the course-sync driver the grade and attendance syncs share.
 */
export async function syncCompletions(input: SyncCompletionsInput): Promise<CompletionReport> {
  return runCourseSync(completionSync, input);
}

import { continueAsNew, isCancellation, patched, setHandler, workflowInfo, type QueryDefinition } from '@temporalio/workflow';
import { selectCourses, type MappedCourse } from '../../src/mapping/mapped-courses';
import { describeFailure } from '../../src/common/operator-failure';
import { workflowIds } from '../../src/common/workflow-ids';
import { syncActivities, type SyncActivities } from '../sync-activities';
import { runCourseWindow } from './course-window';
import { addCourse, emptySyncReport, type CourseSyncCounts, type SyncReport } from './sync-report';
import { handOverScheduledRun, queueRequests, showRequestStudent, type SingleRun } from './single-run';
import { showActivityWaits } from '../waiting-on';

/** One course's share of a run: the course, where its incremental read starts, and what its child needs besides. */
export interface CourseTask {
  course: MappedCourse;
  /** Unix time: only changes at or after it are read. */
  since: number;
}

/** The settings every course sync has; each kind adds its own. */
export interface CourseSyncSettings {
  /** ERPNext Course → Moodle course idnumber where they differ. */
  courses: Record<string, string>;
  /** Child workflows in flight at once. */
  parallelism: number;
  /** Courses one run handles before continuing as new, so history stays bounded whatever the server suggests. */
  coursesPerRun: number;
}

/** What every course sync's input carries for the driver. */
export interface CourseSyncInput<Task extends CourseTask, Course extends CourseSyncCounts> {
  /** Restrict to one course: its Moodle idnumber or ERPNext Course name. */
  course?: string;
  settings: CourseSyncSettings;
  /** Work carried over by continue-as-new; absent on a fresh start. */
  carry?: { pending: Task[]; report: SyncReport<Course> };
  /** The single run only: requests that arrived while it ran, each run in turn after it (continue-as-new). */
  queued?: unknown[];
  /** A queued follow-up starts from the watermarks its predecessor ended with: that run did not complete, it continued as new. */
  watermarks?: Record<string, number>;
}

/** The report so far, with the courses in flight and those not started (by Moodle course idnumber), and the requests queued behind the run. */
export type CourseSyncProgress<Course extends CourseSyncCounts> = SyncReport<Course> & { running: string[]; pending: string[]; queued?: string[] };

/** What one kind of course sync (grades, attendance, …) supplies; the driver does the rest. */
export interface CourseSync<Input extends CourseSyncInput<Task, Course>, Task extends CourseTask, Course extends CourseSyncCounts> {
  progressQuery: QueryDefinition<CourseSyncProgress<Course>>;
  /**
   * The work for the Moodle courses that map to an ERPNext Course, starting from the watermarks in
   * `report`; a course this kind cannot sync (no plan, no group, …) is added to `report` as unmapped.
   * It calls through the run's `activities`.
   */
  plan(input: Input, mapped: MappedCourse[], report: SyncReport<Course>, activities: SyncActivities): Promise<Task[]>;
  /** Syncs one course as the child workflow `workflowId`; throws if the child fails. */
  syncCourse(input: Input, task: Task, workflowId: string): Promise<{ report: Course; watermark: number }>;
  /** The report of a course Moodle has but ERPNext cannot place. */
  unmappedCourse(course: string, reason: string): Course;
  /** The report of a course whose child failed. */
  failedCourse(task: Task, reason: string): Course;
  /** False when the run saw only part of each course (e.g. one student), so it must not move the watermarks. */
  movesWatermarks(input: Input): boolean;
  /**
   * The key of the task's watermark in `report.watermarks`: what the writes are keyed on besides
   * the course (an Assessment Plan, a Student Group), so a new one starts from nothing. Default:
   * the Moodle course idnumber.
   */
  watermarkKey?(task: Task): string;
  /** One run of this kind at a time (src/common/sync-runs.ts); absent: every start runs on its own. */
  singleRun?: SingleRun<Input>;
}

const keyOf = (task: CourseTask): string => task.course.moodleIdnumber;

/** Moodle's courses, mapped to ERPNext Courses (the gaps reported), then planned by the kind of sync. */
async function planCourses<Input extends CourseSyncInput<Task, Course>, Task extends CourseTask, Course extends CourseSyncCounts>(
  sync: CourseSync<Input, Task, Course>,
  input: Input,
  report: SyncReport<Course>,
  activities: SyncActivities,
): Promise<Task[]> {
  const { mapped, unmapped } = selectCourses(await activities.moodle.moodleListCourses(), input.settings.courses, input.course);
  for (const gap of unmapped) addCourse(report, sync.unmappedCourse(gap.course, gap.reason));
  return sync.plan(input, mapped, report, activities);
}

/**
 * The skeleton every course sync shares: progress query from the first moment, the last completed
 * run's watermarks, Moodle's courses mapped to ERPNext's, the plan, one child workflow per course in a sliding window of
 * `parallelism`, and continue-as-new with what is left when history should be cut. A failed course
 * is reported and keeps its old watermark, so the next run retries exactly what failed. With a
 * single run, a Schedule's run hands its request over to it, and the single run continues as new
 * into each request queued behind it.
 */
export async function runCourseSync<Input extends CourseSyncInput<Task, Course>, Task extends CourseTask, Course extends CourseSyncCounts>(
  sync: CourseSync<Input, Task, Course>,
  input: Input,
): Promise<SyncReport<Course>> {
  const { workflowId } = workflowInfo();
  const activities = syncActivities();
  // Schedule runs from before this change did their own work: replaying one, patched() is false and it keeps that path.
  if (sync.singleRun && workflowId.startsWith(sync.singleRun.run.scheduledIdPrefix) && patched('scheduled-sync-hands-over-to-single-run')) {
    return handOverScheduledRun<Input, Course>(sync.singleRun, input, activities);
  }
  showActivityWaits();
  // The query answers from the first moment, before the watermarks and course plan are read.
  let report = input.carry?.report ?? emptySyncReport<Course>({});
  const running = new Set<string>();
  let pending: Task[] = [];
  const queue = sync.singleRun && workflowId === sync.singleRun.run.workflowId ? queueRequests(sync.singleRun, input) : undefined;
  if (queue && sync.singleRun) showRequestStudent(sync.singleRun, input);
  setHandler(sync.progressQuery, () => ({ ...report, running: [...running], pending: pending.map(keyOf), ...(queue ? { queued: queue.scopes() } : {}) }));
  if (!input.carry) report = emptySyncReport<Course>(input.watermarks ?? (await activities.temporal.temporalLastSyncWatermarks(workflowInfo().workflowType)));
  pending = input.carry?.pending ?? (await planCourses(sync, input, report, activities));
  const watermarkKey = sync.watermarkKey ?? keyOf;

  const rest = await runCourseWindow<Task>({
    pending,
    running,
    parallelism: input.settings.parallelism,
    perRun: input.settings.coursesPerRun,
    keyOf,
    run: async (task) => {
      try {
        const { report: courseReport, watermark } = await sync.syncCourse(input, task, workflowIds.courseSync(workflowId, keyOf(task)));
        addCourse(report, courseReport);
        if (sync.movesWatermarks(input)) report.watermarks[watermarkKey(task)] = watermark;
      } catch (err) {
        if (isCancellation(err)) throw err;
        addCourse(report, sync.failedCourse(task, describeFailure(err).message));
      }
    },
  });
  if (rest.length > 0) await continueAsNew<(next: Input) => Promise<SyncReport<Course>>>({ ...input, carry: { pending: rest, report }, ...(queue ? { queued: queue.waiting() } : {}) });
  const next = queue?.next(report.watermarks);
  if (next) await continueAsNew<(next: Input) => Promise<SyncReport<Course>>>(next);
  return report;
}

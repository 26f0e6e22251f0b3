import type { DataConverter, Duration } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions, type WorkflowBundleOption } from '@temporalio/worker';
import { taskQueues } from '../common/task-queues';
import { loggingStudentOfRun } from '../logging/activity-student';
import { endingAttemptsBeforeTheirTimeout } from '../../activities/attempt-deadline';
import { countingActivityOutcomes } from '../metrics/worker-metrics';

export interface TaskQueueWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  /** Bundled workflow code (tests bundle once per file), or the path of `workflows/index.ts` to bundle now. */
  workflows: { workflowBundle: WorkflowBundleOption } | { workflowsPath: string };
  /**
   * Activity objects for the moodle and erpnext queues (real ones, or a test's fakes), and those
   * the workflows queue runs itself (Temporal visibility reads, under no system's rate limit).
   */
  activities: { workflows?: object; moodle: object; erpnext: object };
  /**
   * Each system's request rate (the clients' pacers hold the requests to it); the server hands
   * out at most `activitiesPerRequestRate` times as many activities a second on that queue,
   * summed over every worker polling it.
   */
  rates?: { moodle?: number; erpnext?: number };
  /** How long in-flight activities may still finish once shutdown starts; after it they are cancelled and retried elsewhere. */
  shutdownGraceTime?: Duration;
  dataConverter?: DataConverter;
  /** Workflow runs the workflows queue's worker keeps in memory between tasks; see workflowCacheSize. */
  maxCachedWorkflows?: number;
}

/**
 * The SDK's default cache grows with the heap limit (about 1,100 runs on a 2 GiB heap), and every
 * Student keeps an idle profile workflow (`profile:<Student>`, waiting for the next save): a
 * 1,050-student backfill held the worker at 715 MB RSS (bench backfill, issue #12). An evicted run
 * costs one replay of its history when its next task comes, which for an idle profile run is a
 * few events; the runs actually working at once (backfill batches, admissions in flight) are far
 * fewer than this.
 */
const workflowCacheSize = 250;

const activityCap = (requestsPerSecond: number | undefined) => (requestsPerSecond === undefined ? undefined : requestsPerSecond * activitiesPerRequestRate);

/**
 * How many activities a second a system's queue may start per request a second the system
 * allows. The request rate itself is kept by each process's request pacer (src/http/request-pacer.ts);
 * this server-side cap only stops a runaway across every process at once. Gathered burst calls
 * carry many activities in one request (an admission runs about four activities on each queue
 * and shares most of their requests), so a cap equal to the request rate would bind long before
 * the requests do (issue #12: 1,000 admissions needed 80 s of activity tokens on each queue).
 */
export const activitiesPerRequestRate = 5;

/**
 * The three workers of Campus Bridge: orchestration on the workflows queue, side effects on one
 * queue per external system, whose activities the Temporal server caps for every worker process
 * at once (`maxTaskQueueActivitiesPerSecond`, `activitiesPerRequestRate` per allowed request a second).
 */
export class TaskQueueWorkers {
  private running?: Promise<void>;

  private constructor(private readonly workers: Worker[]) {}

  static async create(options: TaskQueueWorkersOptions): Promise<TaskQueueWorkers> {
    const common = {
      connection: options.connection,
      namespace: options.namespace,
      dataConverter: options.dataConverter,
      shutdownGraceTime: options.shutdownGraceTime ?? '10s',
      // Outcome metrics, the student on every activity log line, and no attempt acting past its timeout.
      interceptors: { activity: [countingActivityOutcomes, loggingStudentOfRun, endingAttemptsBeforeTheirTimeout] },
    };
    const workerOptions: WorkerOptions[] = [
      { ...common, ...options.workflows, activities: options.activities.workflows, taskQueue: taskQueues.workflows, maxCachedWorkflows: options.maxCachedWorkflows ?? workflowCacheSize },
    ];
    for (const system of ['moodle', 'erpnext'] as const) {
      const activities = options.activities[system];
      // The SDK refuses a worker with nothing to poll; a test may need only one system's queue.
      if (Object.keys(activities).length === 0) continue;
      workerOptions.push({ ...common, taskQueue: taskQueues[system], activities, maxTaskQueueActivitiesPerSecond: activityCap(options.rates?.[system]) });
    }
    const created: Worker[] = [];
    try {
      for (const opts of workerOptions) created.push(await Worker.create(opts));
    } catch (err) {
      // A created worker holds the connection until it has run: start and stop it to release it.
      await new TaskQueueWorkers(created).runUntil(Promise.resolve());
      throw err;
    }
    return new TaskQueueWorkers(created);
  }

  /** Polls the queues; settles once all have stopped. If one worker fails the others are shut down and the failure is rethrown. */
  run(): Promise<void> {
    this.running ??= Promise.allSettled(
      this.workers.map((worker) =>
        worker.run().catch((err: unknown) => {
          this.shutdown();
          throw err;
        }),
      ),
    ).then((results) => {
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    });
    return this.running;
  }

  /** Stops polling; in-flight tasks finish within the grace time or are handed back to the server. */
  shutdown(): void {
    for (const worker of this.workers) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    }
  }

  /** Runs the workers until `until` settles, then shuts them down and returns its outcome. */
  async runUntil<T>(until: Promise<T>): Promise<T> {
    const running = this.run();
    const stoppedEarly = running.then(() => {
      throw new Error('workers stopped before the awaited work settled');
    });
    stoppedEarly.catch(() => undefined); // only the race observes it
    try {
      return await Promise.race([until, stoppedEarly]);
    } finally {
      this.shutdown();
      await running;
    }
  }
}

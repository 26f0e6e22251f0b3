import { workflowInfo } from '@temporalio/workflow';

export interface CourseWindowOptions<T> {
  /** Work not yet started; consumed from the front. */
  pending: T[];
  /** Keys of the work in flight, kept current for progress queries. */
  running: Set<string>;
  parallelism: number;
  /** Units one run may start before handing the rest to continue-as-new. */
  perRun: number;
  keyOf(task: T): string;
  /** Runs one unit; must not throw (failures belong in the report). */
  run(task: T): Promise<void>;
}

/**
 * Sliding window over per-course work: at most `parallelism` units in flight, a new one started as
 * soon as one finishes. Stops starting new work once history should be cut (the server's
 * suggestion or `perRun`), lets what is in flight finish, and returns what is left so the caller
 * can continue as new with it.
 */
export async function runCourseWindow<T>(options: CourseWindowOptions<T>): Promise<T[]> {
  const inFlight = new Map<string, Promise<void>>();
  let started = 0;
  const timeToContinue = () => workflowInfo().continueAsNewSuggested || started >= options.perRun;
  for (;;) {
    while (inFlight.size < Math.max(1, options.parallelism) && options.pending.length > 0 && !timeToContinue()) {
      const task = options.pending.shift() as T;
      const key = options.keyOf(task);
      started += 1;
      options.running.add(key);
      inFlight.set(
        key,
        options.run(task).finally(() => {
          inFlight.delete(key);
          options.running.delete(key);
        }),
      );
    }
    if (inFlight.size === 0) return options.pending;
    await Promise.race(inFlight.values());
  }
}

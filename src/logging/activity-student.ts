import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { StudentId } from '../common/search-attributes';

/** Runs remembered per worker process: a run's activities ask once, a backfill's thousands of runs stay bounded. */
const runsRemembered = 2000;
/** A slow Temporal must not hold up the activity for a log field. */
const lookupWithinMs = 1000;

const studentOfRun = new Map<string, string | null>();

function remember(runId: string, student: string | null): void {
  if (studentOfRun.size >= runsRemembered) studentOfRun.delete(studentOfRun.keys().next().value!);
  studentOfRun.set(runId, student);
}

/**
 * The Student the calling run concerns: its StudentId search attribute, which every run about one
 * student carries (set at start by the starters, or upserted once the run knows it). Activities
 * are called with Moodle user ids, course lists or documents, so the run, not the arguments, is
 * where the student is known. Null for runs about no one student (grade syncs, backfill batches).
 */
async function studentOf(context: Context): Promise<string | null> {
  const run = context.info.workflowExecution;
  if (!run || !context.client) return null;
  const known = studentOfRun.get(run.runId);
  if (known !== undefined) return known;
  let timer: NodeJS.Timeout | undefined;
  try {
    const description = await Promise.race([
      context.client.workflow.getHandle(run.workflowId, run.runId).describe(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('describe timed out')), lookupWithinMs))),
    ]);
    const student = description.typedSearchAttributes.get(StudentId) ?? null;
    // A run may upsert StudentId later (course enrollments); only a found one is final.
    if (student !== null) remember(run.runId, student);
    return student;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every log line an activity writes (ours through `Context.log`, the SDK's "Activity completed" and
 * "Activity failed") carries `studentId` beside the SDK's own `workflowId`, `activityType` and
 * `attempt`, so one student's lines are found with one filter. The SDK's "Activity started" (debug)
 * is written before this runs and has only the SDK's fields.
 */
export const loggingStudentOfRun: ActivityInterceptorsFactory = (context) => {
  let studentId: string | null = null;
  return {
    inbound: {
      async execute(input, next) {
        studentId = await studentOf(context);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes: (attributes, next) => next(studentId === null ? attributes : { ...attributes, studentId }),
    },
  };
};

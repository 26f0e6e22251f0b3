import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import type { Mapping } from '../src/config/mapping-file';
import { lifecyclePolicy, type LifecyclePolicy } from '../src/mapping/lifecycle-policy';
import { workflowIds } from '../src/common/workflow-ids';

/** The links an `enrollCourse` run was given: what the on_trash of its Course Enrollment would carry. */
export interface EnrolledCourseEnrollment {
  courseEnrollment: string;
  student: string;
  course: string;
  programEnrollment: string;
}

/** Where a Student's onboarding stands, for the profile sync deciding whether to start it. */
export type OnboardingState = 'none' | 'running' | 'completed-no-email' | 'other';

/**
 * Where a Student's onboarding stands for an enrolment event of its admission. `completed` runs
 * never run again (the once-only start allows a new run only after a failed one), and name what
 * their enrolment covered: the submitted Program Enrollments its reads saw and the ERPNext Courses
 * of their Programs (both empty for a run that enrolled nothing, or finished before it said).
 */
export type OnboardingCoverage = { state: 'running' | 'other' } | { state: 'completed'; programEnrollments: string[]; courses: string[] };

/** The decoded first argument of a run's start (through the client's codec, when one is configured). */
async function startArgument(client: Client, workflowId: string, runId: string): Promise<unknown> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  let payloads = (history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? []) as Payload[];
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  for (const codec of [...payloadCodecs].reverse()) payloads = await codec.decode(payloads);
  return payloads[0] === undefined ? undefined : payloadConverter.fromPayload(payloads[0]);
}

const courseEnrollmentInputSchema = z.object({ courseEnrollment: z.string(), student: z.string(), course: z.string(), programEnrollment: z.string() });
const onboardResultSchema = z.object({
  outcome: z.string(),
  coverage: z.object({ programEnrollments: z.array(z.string()), courses: z.array(z.string()) }).optional(),
});

/** The student's onboarding run: its status (`NONE` when there is none) and, once completed, its result. */
async function onboardingRun(client: Client, studentId: string): Promise<{ status: string; result?: z.infer<typeof onboardResultSchema> }> {
  const handle = client.workflow.getHandle(workflowIds.onboard(studentId));
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { status: 'NONE' };
    throw err;
  }
  if (status !== 'COMPLETED') return { status };
  const last = onboardResultSchema.safeParse(await handle.result());
  return { status, result: last.success ? last.data : undefined };
}

/**
 * Reads of Temporal itself that the change feed and the profile sync decide with, on the
 * workflows queue under no external system's rate limit. The starts they lead to are made by
 * the workflows (children with the webhook starter's ids and reuse policy): activities import no
 * starter (folder rule).
 */
export function createChangeFeedReadActivities(mapping: Mapping) {
  const policy = lifecyclePolicy(mapping);
  const client = () => Context.current().client;
  // Every listed run and read history is progress: the feed's calls have a heartbeat timeout (the SDK throttles what it sends).
  const beat = () => Context.current().heartbeat();

  return {
    /**
     * Where the feed left off: the result of its newest completed run (a Schedule's arguments
     * are fixed, and Temporal already keeps every result durably). Undefined before the first.
     */
    async temporalLastChangeFeedResult(): Promise<unknown> {
      let latest: { workflowId: string; runId: string; closedAt: number } | undefined;
      let scanned = 0;
      for await (const run of client().workflow.list({ query: `WorkflowType = 'changeFeed' AND ExecutionStatus = 'Completed'` })) {
        beat();
        const closedAt = run.closeTime?.getTime() ?? 0;
        if (latest === undefined || closedAt > latest.closedAt) latest = { workflowId: run.workflowId, runId: run.runId, closedAt };
        // Visibility lists newest first; a few more guard against ties in close time.
        if (++scanned >= 10) break;
      }
      return latest && client().workflow.getHandle(latest.workflowId, latest.runId).result();
    },

    /**
     * Course Enrollments a completed `enrollCourse` acted on and no `withdrawCourse` has handled:
     * those whose deletion the feed looks for. Temporal keeps closed runs for the namespace's
     * retention period, so that is how far back deletions are found.
     */
    async temporalCourseEnrollmentsEnrolled(): Promise<{ courseEnrollment: string; runId: string }[]> {
      const withdrawn = new Set<string>();
      for await (const run of client().workflow.list({ query: `WorkflowType = 'withdrawCourse'` })) {
        beat();
        withdrawn.add(run.workflowId);
      }
      const enrolled = new Map<string, string>();
      for await (const run of client().workflow.list({ query: `WorkflowType = 'enrollCourse' AND ExecutionStatus = 'Completed'` })) {
        beat();
        const name = /^course-enrollment:(.+):after_insert$/.exec(run.workflowId)?.[1];
        if (name === undefined || enrolled.has(name) || withdrawn.has(workflowIds.courseEnrollment(name, 'on_trash'))) continue;
        enrolled.set(name, run.runId);
      }
      return [...enrolled].map(([courseEnrollment, runId]) => ({ courseEnrollment, runId }));
    },

    /** The links each (deleted) Course Enrollment's enrol run was given, from the start of its history. */
    async temporalCourseEnrollmentLinks(runs: { courseEnrollment: string; runId: string }[]): Promise<EnrolledCourseEnrollment[]> {
      const links: EnrolledCourseEnrollment[] = [];
      for (const { courseEnrollment, runId } of runs) {
        beat();
        links.push(courseEnrollmentInputSchema.parse(await startArgument(client(), workflowIds.courseEnrollment(courseEnrollment, 'after_insert'), runId)));
      }
      return links;
    },

    /** How `onboard:<Student>` stands, with the policy an onboarding started now would take. */
    async temporalOnboardingState(studentId: string): Promise<{ state: OnboardingState; policy: LifecyclePolicy }> {
      const run = await onboardingRun(client(), studentId);
      if (run.status === 'NONE') return { state: 'none', policy };
      if (run.status === 'RUNNING') return { state: 'running', policy };
      return { state: run.result?.outcome === 'no-email' ? 'completed-no-email' : 'other', policy };
    },

    /** How `onboard:<Student>` stands for an enrolment event of its admission (workflows/admission-handover.ts). */
    async temporalOnboardingCoverage(studentId: string): Promise<OnboardingCoverage> {
      const run = await onboardingRun(client(), studentId);
      if (run.status === 'RUNNING') return { state: 'running' };
      if (run.status !== 'COMPLETED') return { state: 'other' };
      const coverage = run.result?.coverage;
      return { state: 'completed', programEnrollments: coverage?.programEnrollments ?? [], courses: coverage?.courses ?? [] };
    },
  };
}

export type ChangeFeedReadActivities = ReturnType<typeof createChangeFeedReadActivities>;

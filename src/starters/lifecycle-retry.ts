import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SyncKind } from '../common/search-attributes';
import { syncKinds, type SyncKindValue } from '../common/sync-kinds';

/**
 * Re-running failed lifecycle runs once the operator has fixed the cause (a Moodle outage longer
 * than the activities' patience, a permission, a missing course). Frappe never re-sends a
 * webhook, so without this a failed onboarding or withdrawal would stay failed.
 */

/** The one-off lifecycle runs (the kinds a webhook starts once per event); syncs and the profile workflow restart themselves. */
export const retryableKinds = [syncKinds.onboard, syncKinds.enroll, syncKinds.withdraw, syncKinds.courseEnrol, syncKinds.courseWithdraw] as const;
export type RetryableKind = (typeof retryableKinds)[number];

export const isRetryableKind = (kind: string): kind is RetryableKind => (retryableKinds as readonly string[]).includes(kind);

/**
 * - `restarted`: a new run of the same id with the failed run's input is running;
 * - `running`: a run is already going (a retry, or the event's own), so nothing was started;
 * - `completed`: the latest run succeeded, nothing to retry;
 * - `not-found` / `not-lifecycle`: no such workflow, or one `retry` does not handle.
 */
export type RetryOutcome = 'restarted' | 'running' | 'completed' | 'not-found' | 'not-lifecycle';

export interface RetriedRun {
  workflowId: string;
  outcome: RetryOutcome;
  kind?: SyncKindValue;
  /** The run that failed, and how it ended (FAILED, TIMED_OUT, TERMINATED, CANCELLED). */
  failedRunId?: string;
  failedStatus?: string;
  /** The run now going: the new one when restarted, the existing one when running. */
  runId?: string;
}

const { WorkflowIdReusePolicy, WorkflowIdConflictPolicy } = temporal.api.enums.v1;

/**
 * Starts the same workflow id again with the failed run's own start request, taken from its
 * history: the input payloads go back byte for byte (still encrypted when a codec is on, never
 * decoded here), with its task queue, timeouts, memo and initial search attributes. Idempotent:
 * the request id is derived from the failed run, so two retries racing start one run, and
 * USE_EXISTING makes a retry while a run is going a no-op.
 */
export async function retryLifecycleRun(client: Client, workflowId: string): Promise<RetriedRun> {
  let description;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { workflowId, outcome: 'not-found' };
    throw err;
  }
  const kind = description.typedSearchAttributes.get(SyncKind) as SyncKindValue | undefined;
  if (kind === undefined || !isRetryableKind(kind)) return { workflowId, outcome: 'not-lifecycle', kind };
  const status = description.status.name;
  if (status === 'RUNNING') return { workflowId, kind, outcome: 'running', runId: description.runId };
  if (status === 'COMPLETED' || status === 'CONTINUED_AS_NEW') return { workflowId, kind, outcome: 'completed', runId: description.runId };

  const history = await client.workflow.getHandle(workflowId, description.runId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`the history of ${workflowId} run ${description.runId} does not begin with its start`);
  const response = await client.workflowService.startWorkflowExecution({
    namespace: client.options.namespace,
    identity: client.options.identity,
    requestId: `retry-of-${description.runId}`,
    workflowId,
    workflowType: started.workflowType,
    taskQueue: started.taskQueue,
    input: started.input,
    header: started.header,
    memo: started.memo,
    searchAttributes: started.searchAttributes,
    workflowExecutionTimeout: started.workflowExecutionTimeout,
    workflowRunTimeout: started.workflowRunTimeout,
    workflowTaskTimeout: started.workflowTaskTimeout,
    retryPolicy: started.retryPolicy,
    // The same policies as the event's own start: a failed run may be replaced, a running one is joined.
    workflowIdReusePolicy: WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
  });
  return {
    workflowId,
    kind,
    outcome: response.started === false ? 'running' : 'restarted',
    failedRunId: description.runId,
    failedStatus: status,
    runId: response.runId ?? undefined,
  };
}

export interface FailedRunsFilter {
  /** Only runs that ended at or after this time. */
  since?: Date;
  kind?: RetryableKind;
}

/** A visibility query for failed (or timed-out) lifecycle runs; each workflow id once, newest first. */
export async function failedLifecycleRuns(client: Client, filter: FailedRunsFilter = {}): Promise<string[]> {
  const kinds = filter.kind ? [filter.kind] : retryableKinds;
  const clauses = [`(ExecutionStatus = 'Failed' OR ExecutionStatus = 'TimedOut')`, `(${kinds.map((k) => `SyncKind = '${k}'`).join(' OR ')})`];
  if (filter.since) clauses.push(`CloseTime >= '${filter.since.toISOString()}'`);
  const ids = new Set<string>();
  for await (const execution of client.workflow.list({ query: clauses.join(' AND ') })) ids.add(execution.workflowId);
  return [...ids];
}

/** `retry --failed`: every failed lifecycle run matching the filter whose latest run is still failed. */
export async function retryFailedLifecycleRuns(client: Client, filter: FailedRunsFilter = {}): Promise<RetriedRun[]> {
  const retried: RetriedRun[] = [];
  // One at a time: each is a describe, a history read and a start; an operator's batch is small.
  for (const workflowId of await failedLifecycleRuns(client, filter)) retried.push(await retryLifecycleRun(client, workflowId));
  return retried;
}

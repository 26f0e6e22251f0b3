import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { studentRunAttributes, SyncKind } from '../src/common/search-attributes';
import { syncRequestedSignal, type SingleSyncRun } from '../src/common/sync-runs';
import { taskQueues } from '../src/common/task-queues';

/** The run that holds a request: the single run's id and the run of it that was signalled. */
export interface SyncRunJoined {
  workflowId: string;
  runId: string;
}

/** A request for one Student (a grade sync's `student`) starts a per-student run: it carries StudentId like every other. */
function startAttributes(run: SingleSyncRun, input: unknown): SearchAttributePair[] {
  const student = typeof input === 'object' && input !== null && 'student' in input && typeof input.student === 'string' ? input.student : undefined;
  return student === undefined ? [{ key: SyncKind, value: run.syncKind }] : studentRunAttributes(run.syncKind, student);
}

/**
 * Hands a request to the kind's single run by signal-with-start: starts it when none runs;
 * otherwise the running one joins it (same scope) or queues it as a follow-up. Resolves once
 * Temporal has durably accepted the signal. The admin API and CLI request through it
 * (src/starters/sync-requests.ts), and so does a Schedule's run (the activity below).
 */
export async function requestSingleRun(client: Client, run: SingleSyncRun, input: unknown): Promise<SyncRunJoined> {
  const handle = await client.workflow.signalWithStart(run.workflowType, {
    workflowId: run.workflowId,
    taskQueue: taskQueues.workflows,
    args: [input],
    signal: syncRequestedSignal,
    signalArgs: [input],
    typedSearchAttributes: startAttributes(run, input),
  });
  return { workflowId: run.workflowId, runId: handle.signaledRunId };
}

/** A Schedule's grade or attendance run handing its request to the single run, through the worker's client. */
export function createSingleSyncRunActivities() {
  return {
    /** Signal-with-start: safe to retry, a repeated request of the same scope joins the run it started. */
    async temporalRequestSingleRun(request: { run: SingleSyncRun; input: unknown }): Promise<{ workflowId: string; runId: string }> {
      return requestSingleRun(Context.current().client, request.run, request.input);
    },
  };
}

import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/** What a route asked Temporal to start. */
export interface RecordedStart {
  kind: 'start' | 'signalWithStart' | 'startWorkflowExecution';
  workflowType: string;
  workflowId?: string;
}

/**
 * A Temporal client that records starts and knows no workflow: enough for every gateway route,
 * so a fuzz run can count exactly which requests reached Temporal. Workflow reads answer "not
 * found", as for an id nobody started.
 */
export function recordingTemporal(): { client: Client; starts: RecordedStart[] } {
  const starts: RecordedStart[] = [];
  const notFound = async () => {
    throw new WorkflowNotFoundError('no such workflow', 'fuzz', undefined);
  };
  const handle = { describe: notFound, query: notFound, signal: notFound, executeUpdate: notFound, result: notFound, fetchHistory: notFound };
  const client = {
    options: { namespace: 'fuzz', identity: 'fuzz' },
    connection: { withDeadline: <T>(_deadline: number, call: () => Promise<T>) => call() },
    workflow: {
      start: async (workflowType: string, options: { workflowId: string }) => {
        starts.push({ kind: 'start', workflowType, workflowId: options.workflowId });
        return { workflowId: options.workflowId, firstExecutionRunId: 'fake-run' };
      },
      signalWithStart: async (workflowType: string, options: { workflowId: string }) => {
        starts.push({ kind: 'signalWithStart', workflowType, workflowId: options.workflowId });
        return { workflowId: options.workflowId, signaledRunId: 'fuzz-run' };
      },
      getHandle: () => handle,
      list: async function* () {},
    },
    workflowService: {
      startWorkflowExecution: async (request: { workflowType?: { name?: string }; workflowId?: string }) => {
        starts.push({ kind: 'startWorkflowExecution', workflowType: request.workflowType?.name ?? '?', workflowId: request.workflowId });
        return { runId: 'fuzz-run', started: true };
      },
    },
  };
  return { client: client as unknown as Client, starts };
}

import { Context } from '@temporalio/activity';
import type { SingleSyncRun } from '../src/common/sync-runs';
import { requestSingleRun } from '../src/starters/sync-requests';

/** A Schedule's grade or attendance run handing its request to the single run, through the worker's client. */
export function createSingleSyncRunActivities() {
  return {
    /** Signal-with-start: safe to retry, a repeated request of the same scope joins the run it started. */
    async temporalRequestSingleRun(request: { run: SingleSyncRun; input: unknown }): Promise<{ workflowId: string; runId: string }> {
      return requestSingleRun(Context.current().client, request.run, request.input);
    },
  };
}

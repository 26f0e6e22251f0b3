import { WorkflowFailedError } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { describeFailure, type OperatorFailure } from '../../common/operator-failure';
import { StudentId } from '../../common/search-attributes';
import { failedLifecycleRuns, retryLifecycleRun, type RetriedRun } from '../../starters/lifecycle-retry';
import type { ConsoleContext } from '../context';
import { actionButton } from '../forms';
import { html } from '../html';
import { page } from '../layout';
import { runCell, statusCell, studentCell, when } from '../run-cells';

interface FailedRun {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** The latest run's status: after a retry it is RUNNING or COMPLETED. */
  status: string;
  student?: string;
  closedAt?: string;
  failure?: OperatorFailure;
}

/** A page's worth; `campus-bridge retry --failed` handles more at once. */
const shown = 50;
const stillFailed = new Set(['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELLED']);

const retryText: Record<RetriedRun['outcome'], string> = {
  restarted: 'A new run with the failed run’s own input has started.',
  running: 'A run of this workflow is already going; nothing was started.',
  completed: 'The latest run completed; there is nothing to retry.',
  'not-found': 'There is no such workflow.',
  'not-lifecycle': 'This is not a run that retry re-runs (syncs and the profile workflow restart themselves).',
};

/**
 * `/console/failed`: failed lifecycle runs (the visibility query `campus-bridge retry --failed`
 * uses) with why they failed and a retry button, which calls the same `retryLifecycleRun` as
 * `POST /admin/workflows/<id>/retry`.
 */
export const failedRunPages: FastifyPluginAsync<ConsoleContext> = async (app, context) => {
  async function failedRun(workflowId: string): Promise<FailedRun> {
    const handle = context.temporal.workflow.getHandle(workflowId);
    const description = await handle.describe();
    const run: FailedRun = {
      workflowId,
      runId: description.runId,
      workflowType: description.type,
      status: description.status.name,
      student: description.typedSearchAttributes.get(StudentId),
      closedAt: description.closeTime?.toISOString(),
    };
    if (stillFailed.has(run.status)) {
      run.failure = await context.temporal.workflow
        .getHandle(workflowId, description.runId)
        .result()
        .then(() => undefined, (err: unknown) => (err instanceof WorkflowFailedError ? describeFailure(err) : undefined));
    }
    return run;
  }

  app.get('/console/failed', async (request, reply) => {
    const ids = (await failedLifecycleRuns(context.temporal)).slice(0, shown);
    const runs = await Promise.all(ids.map(failedRun));
    const rows = runs.map(
      (r) => html`<tr data-workflow-id="${r.workflowId}"><td>${runCell(context, r.workflowId, r.runId)}</td><td>${r.workflowType}</td><td>${studentCell(r.student)}</td><td>${statusCell(r.status)}</td><td>${when(r.closedAt)}</td>
<td>${r.failure ? html`${r.failure.type ? html`<code>${r.failure.type}</code> ` : ''}${r.failure.message}` : ''}</td>
<td>${stillFailed.has(r.status) ? actionButton(request, `/console/failed/${encodeURIComponent(r.workflowId)}/retry`, 'Retry') : ''}</td></tr>`,
    );
    const body = rows.length
      ? html`<p>Fix the cause first (the failure says what it was), then retry: the run starts again with its own input.</p>
<table id="failed"><thead><tr><th>Run</th><th>Process</th><th>Student</th><th>Status now</th><th>Ended</th><th>Failure</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
      : html`<p>No failed lifecycle runs.</p>`;
    return reply.type('text/html; charset=utf-8').send(page('Failed runs', body, { current: '/console/failed' }));
  });

  app.post('/console/failed/:workflowId/retry', async (request, reply) => {
    const { workflowId } = request.params as { workflowId: string };
    const retried = await retryLifecycleRun(context.temporal, workflowId);
    const ok = retried.outcome === 'restarted' || retried.outcome === 'running';
    const body = html`<p class="${ok ? 'notice' : 'error'}" role="status">${retried.outcome}: ${retryText[retried.outcome]}</p>
<p>${runCell(context, workflowId, retried.runId)}${retried.failedRunId ? html` (the failed run was ${runCell(context, workflowId, retried.failedRunId)})` : ''}</p>
<p><a href="/console/failed">Back to the failed runs</a></p>`;
    return reply
      .code(ok ? 200 : retried.outcome === 'not-found' ? 404 : 409)
      .type('text/html; charset=utf-8')
      .send(page(ok ? 'Retried' : 'Not retried', body));
  });
};

import { WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { conflictQuery, resolveConflictUpdate, type IdentityConflict } from '../../../workflows/onboard-student';
import { describeFailure } from '../../common/operator-failure';
import { requireAdminToken } from '../admin-auth';

export interface AdminRoutesOptions {
  temporal: Client;
  /** Bearer token for every /admin route (ADMIN_TOKEN). */
  adminToken: string;
}

const workflowParams = z.object({ workflowId: z.string().min(1) });

const decisionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('link'), moodleUserId: z.number().int().positive() }),
  z.object({ action: z.literal('create') }),
  z.object({ action: z.literal('skip') }),
]);

/** Visibility finds the parked onboardings; the search attribute is set only while one waits. */
const parkedQuery = 'NeedsOperator = true AND ExecutionStatus = "Running"';

function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err instanceof Error && 'code' in err && err.code === 5);
}

/**
 * The operator's side of the lifecycle: list and resolve identity conflicts, read any workflow's
 * status. Every route needs the bearer ADMIN_TOKEN.
 */
export const adminRoutes: FastifyPluginAsyncZod<AdminRoutesOptions> = async (app, options) => {
  const { temporal } = options;
  app.addHook('onRequest', requireAdminToken(options.adminToken));

  app.get('/admin/conflicts', async () => {
    const conflicts: { workflowId: string; conflict: IdentityConflict }[] = [];
    for await (const execution of temporal.workflow.list({ query: parkedQuery })) {
      const conflict = await temporal.workflow.getHandle(execution.workflowId, execution.runId).query(conflictQuery);
      if (conflict) conflicts.push({ workflowId: execution.workflowId, conflict });
    }
    return { conflicts };
  });

  app.post('/admin/conflicts/:workflowId', { schema: { params: workflowParams, body: decisionBody } }, async (request, reply) => {
    const handle = temporal.workflow.getHandle(request.params.workflowId);
    try {
      const accepted = await handle.executeUpdate(resolveConflictUpdate, { args: [request.body] });
      return { workflowId: request.params.workflowId, accepted };
    } catch (err) {
      // The workflow's validator said no (not parked, already decided, not a candidate account).
      if (err instanceof WorkflowUpdateFailedError) return reply.code(409).send({ error: err.cause?.message ?? err.message });
      if (isNotFound(err)) return reply.code(404).send({ error: `no workflow ${request.params.workflowId}` });
      throw err;
    }
  });

  app.get('/admin/workflows/:workflowId', { schema: { params: workflowParams } }, async (request, reply) => {
    const handle = temporal.workflow.getHandle(request.params.workflowId);
    let description;
    try {
      description = await handle.describe();
    } catch (err) {
      if (isNotFound(err)) return reply.code(404).send({ error: `no workflow ${request.params.workflowId}` });
      throw err;
    }
    const status = description.status.name;
    const summary = { workflowId: description.workflowId, runId: description.runId, type: description.type, status };
    if (status === 'COMPLETED') return { ...summary, result: await handle.result() };
    if (status === 'FAILED' || status === 'TIMED_OUT' || status === 'TERMINATED' || status === 'CANCELLED') {
      try {
        await handle.result();
      } catch (err) {
        if (err instanceof WorkflowFailedError) return { ...summary, failure: describeFailure(err) };
        throw err;
      }
    }
    return summary;
  });
};

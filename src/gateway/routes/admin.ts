import { WorkflowFailedError, type Client } from '@temporalio/client';
import { type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeFailure } from '../../common/operator-failure';
import { isNotFound, parkedConflicts, resolveConflict } from '../../starters/identity-conflicts';
import { requireAdminToken } from '../../auth/admin-auth';

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

/**
 * The operator's side of the lifecycle: list and resolve identity conflicts, read any workflow's
 * status. Every route needs the bearer ADMIN_TOKEN.
 */
export const adminRoutes: FastifyPluginAsyncZod<AdminRoutesOptions> = async (app, options) => {
  const { temporal } = options;
  app.addHook('onRequest', requireAdminToken(options.adminToken));

  app.get('/admin/conflicts', async () => ({ conflicts: (await parkedConflicts(temporal)).map(({ workflowId, conflict }) => ({ workflowId, conflict })) }));

  app.post('/admin/conflicts/:workflowId', { schema: { params: workflowParams, body: decisionBody } }, async (request, reply) => {
    const resolved = await resolveConflict(temporal, request.params.workflowId, request.body);
    if (resolved.outcome === 'refused') return reply.code(409).send({ error: resolved.reason });
    if (resolved.outcome === 'not-found') return reply.code(404).send({ error: `no workflow ${request.params.workflowId}` });
    return { workflowId: request.params.workflowId, accepted: resolved.accepted };
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

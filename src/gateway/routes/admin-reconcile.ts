import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reconcileProgressQuery, reconcileReportQuery } from '../../../workflows/reconcile';
import type { Mapping } from '../../config/mapping-file';
import { answerReconcileGoAhead, startReconcile } from '../../operations/reconcile-runs';
import { requireAdminToken } from '../../auth/admin-auth';

export interface AdminReconcileRoutesOptions {
  temporal: Client;
  mapping: Mapping;
  adminToken: string;
}

const startBody = z.object({ heal: z.boolean().default(false) }).default({ heal: false });
const params = z.object({ workflowId: z.string().regex(/^reconcile:/, 'expected a reconcile workflow id') });
const goAheadBody = z.object({ approve: z.boolean(), by: z.string().max(100).optional() });

/**
 * `POST /admin/reconcile` `{heal?}` starts a run (202 `{workflowId}`); `GET /admin/reconcile/<id>`
 * shows its progress and report; `POST /admin/reconcile/<id>/go-ahead` `{approve}` answers a heal
 * parked by the mass-change breaker (409 when it is not waiting).
 */
export const adminReconcileRoutes: FastifyPluginAsyncZod<AdminReconcileRoutesOptions> = async (app, options) => {
  app.addHook('onRequest', requireAdminToken(options.adminToken));
  app.setErrorHandler((err, request, reply) => {
    if (err instanceof WorkflowNotFoundError) return reply.code(404).send({ error: `no workflow ${(request.params as { workflowId?: string }).workflowId ?? ''}` });
    throw err;
  });

  app.post('/admin/reconcile', { schema: { body: startBody.optional() } }, async (request, reply) => {
    const handle = await startReconcile(options.temporal, options.mapping, { heal: request.body?.heal ?? false });
    return reply.code(202).send({ workflowId: handle.workflowId });
  });

  app.get('/admin/reconcile/:workflowId', { schema: { params } }, async (request) => {
    const handle = options.temporal.workflow.getHandle(request.params.workflowId);
    const described = await handle.describe();
    if (described.status.name === 'COMPLETED') return { status: described.status.name, result: await handle.result() };
    if (described.status.name !== 'RUNNING') return { status: described.status.name };
    return { status: described.status.name, progress: await handle.query(reconcileProgressQuery), report: await handle.query(reconcileReportQuery) };
  });

  app.post('/admin/reconcile/:workflowId/go-ahead', { schema: { params, body: goAheadBody } }, async (request, reply) => {
    const outcome = await answerReconcileGoAhead(options.temporal, request.params.workflowId, { approve: request.body.approve, by: request.body.by ?? 'admin API' });
    return 'refused' in outcome ? reply.code(409).send({ error: outcome.refused }) : outcome;
  });
};

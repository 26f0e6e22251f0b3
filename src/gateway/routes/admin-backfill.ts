import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Mapping } from '../../config/mapping-file';
import { backfillStatus, cancelBackfill, controlBackfill, planCsv, rerunBackfill, startBackfill } from '../../starters/backfill';
import { requireAdminToken } from '../../auth/admin-auth';

export interface AdminBackfillRoutesOptions {
  temporal: Client;
  mapping: Mapping;
  adminToken: string;
}

const limits = z.strictObject({ maxChanges: z.number().int().min(0), maxShare: z.number().min(0).max(1) });
// Without a body Fastify hands the validator null: a full backfill with the default breaker.
const startBody = z
  .strictObject({
    dryRun: z.boolean().optional(),
    limits: limits.optional(),
    /** Re-run the records a finished backfill did not sync. */
    rerunOf: z.string().min(1).max(200).optional(),
  })
  .nullish()
  .transform((body) => body ?? {});
const idParams = z.object({ workflowId: z.string().min(1).max(200) });
const controlParams = idParams.extend({ action: z.enum(['pause', 'resume', 'approve', 'refuse', 'cancel']) });
const controlBody = z
  .strictObject({ by: z.string().trim().min(1).max(100).optional() })
  .nullish()
  .transform((body) => body ?? {});

/**
 * The backfill from the admin API: `POST /admin/backfill` starts one (202), `GET
 * /admin/backfill/<id>` shows progress or the result with every record not synced (JSON),
 * `GET /admin/backfill/<id>/plan.csv` a dry run's plan, and `POST /admin/backfill/<id>/<action>`
 * pauses, resumes, approves or refuses a run the mass-change breaker parked, or cancels it.
 */
export const adminBackfillRoutes: FastifyPluginAsyncZod<AdminBackfillRoutesOptions> = async (app, options) => {
  app.addHook('onRequest', requireAdminToken(options.adminToken));

  app.post('/admin/backfill', { schema: { body: startBody } }, async (request, reply) => {
    const { rerunOf, ...rest } = request.body;
    if (rerunOf === undefined) return reply.code(202).send(await startBackfill(options.temporal, options.mapping, rest));
    const rerun = await rerunBackfill(options.temporal, options.mapping, rerunOf, rest);
    if (!rerun) return reply.code(409).send({ error: `backfill ${rerunOf} is unknown, not finished, or left no record to re-run` });
    return reply.code(202).send(rerun);
  });

  app.get('/admin/backfill/:workflowId', { schema: { params: idParams } }, async (request, reply) => {
    const status = await backfillStatus(options.temporal, request.params.workflowId);
    if (!status) return reply.code(404).send({ error: `no backfill ${request.params.workflowId}` });
    return status;
  });

  app.get('/admin/backfill/:workflowId/plan.csv', { schema: { params: idParams } }, async (request, reply) => {
    const status = await backfillStatus(options.temporal, request.params.workflowId);
    if (!status?.result) return reply.code(404).send({ error: `no finished backfill ${request.params.workflowId}` });
    return reply.type('text/csv; charset=utf-8').send(planCsv(status.result.plan));
  });

  app.post('/admin/backfill/:workflowId/:action', { schema: { params: controlParams, body: controlBody } }, async (request, reply) => {
    const { workflowId, action } = request.params;
    if (!(await backfillStatus(options.temporal, workflowId))) return reply.code(404).send({ error: `no backfill ${workflowId}` });
    if (action === 'cancel') {
      await cancelBackfill(options.temporal, workflowId);
      return reply.code(202).send({ workflowId, cancelRequested: true });
    }
    try {
      return await controlBackfill(options.temporal, workflowId, action, request.body.by);
    } catch (err) {
      // The workflow's validator refuses an approval nothing waits for; a finished run takes no update.
      return reply.code(409).send({ error: err instanceof Error ? err.message : String(err) });
    }
  });
};

import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { provisionProgressQuery, type ProvisionReport } from '../../../workflows/provision-all';
import type { Mapping } from '../../config/mapping-file';
import { describeFailure } from '../../common/operator-failure';
import { startProvisioning } from '../../starters/roster-events';
import { requireAdminToken } from '../../auth/admin-auth';

export interface AdminProvisionRoutesOptions {
  temporal: Client;
  mapping: Mapping;
  adminToken: string;
}

const name = z.string().trim().min(1).max(140);
// The backfill's breaker limits: past them a course's removals are held and reported.
const limits = z.strictObject({ maxChanges: z.number().int().min(0), maxShare: z.number().min(0).max(1) });
// Without a body Fastify hands the validator null: everything, for real, with the mapping's limits.
const startBody = z
  .strictObject({ dryRun: z.boolean().optional(), terms: z.array(name).min(1).max(50).optional(), group: name.optional(), instructor: name.optional(), limits: limits.optional() })
  .refine((body) => !(body.group && body.instructor), { message: 'give a group or an instructor, not both' })
  .nullish()
  .transform((body) => body ?? {});
const idParams = z.object({ workflowId: z.string().min(1).max(300) });

export interface ProvisionStatus {
  workflowId: string;
  status: string;
  /** While running: the report so far, the courses in flight and those not started. */
  progress?: ProvisionReport & { running: string[]; pending: string[] };
  result?: ProvisionReport;
  failure?: ReturnType<typeof describeFailure>;
}

function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err instanceof Error && 'code' in err && err.code === 5);
}

/**
 * Roster provisioning from the admin API: `POST /admin/provision` starts `provisionAll` (202 with
 * its id; `dryRun` reads and reports, writing nothing), `GET /admin/provision/<id>` shows its
 * progress while it runs and its report once done. The same as `campus-bridge provision`.
 */
export const adminProvisionRoutes: FastifyPluginAsyncZod<AdminProvisionRoutesOptions> = async (app, options) => {
  app.addHook('onRequest', requireAdminToken(options.adminToken));

  app.post('/admin/provision', { schema: { body: startBody } }, async (request, reply) => {
    return reply.code(202).send(await startProvisioning(options.temporal, options.mapping, request.body));
  });

  app.get('/admin/provision/:workflowId', { schema: { params: idParams } }, async (request, reply) => {
    const handle = options.temporal.workflow.getHandle(request.params.workflowId);
    let description;
    try {
      description = await handle.describe();
    } catch (err) {
      if (isNotFound(err)) return reply.code(404).send({ error: `no provisioning run ${request.params.workflowId}` });
      throw err;
    }
    if (description.type !== 'provisionAll') return reply.code(404).send({ error: `${request.params.workflowId} is not a provisioning run` });
    const status: ProvisionStatus = { workflowId: description.workflowId, status: description.status.name };
    if (status.status === 'RUNNING') status.progress = await handle.query(provisionProgressQuery);
    else if (status.status === 'COMPLETED') status.result = (await handle.result()) as ProvisionReport;
    else {
      try {
        await handle.result();
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        status.failure = describeFailure(err);
      }
    }
    return status;
  });
};

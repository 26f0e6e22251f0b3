import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { retryLifecycleRun, type RetryOutcome } from '../../starters/lifecycle-retry';
import { requireAdminToken } from '../../auth/admin-auth';

export interface AdminRetryRoutesOptions {
  temporal: Client;
  /** Bearer token for every /admin route (ADMIN_TOKEN). */
  adminToken: string;
}

const workflowParams = z.object({ workflowId: z.string().min(1) });

/** 202 when a run was started; 200 when one is already going (the retry is a no-op); refusals say why. */
const statusOf: Record<RetryOutcome, number> = { restarted: 202, running: 200, completed: 409, 'not-lifecycle': 409, 'not-found': 404 };

/**
 * `POST /admin/workflows/<id>/retry`: re-run a failed lifecycle run with its own input once the
 * cause is fixed (`campus-bridge retry` does the same from the command line). Safe to repeat.
 */
export const adminRetryRoutes: FastifyPluginAsyncZod<AdminRetryRoutesOptions> = async (app, options) => {
  app.addHook('onRequest', requireAdminToken(options.adminToken));

  app.post('/admin/workflows/:workflowId/retry', { schema: { params: workflowParams } }, async (request, reply) => {
    const retried = await retryLifecycleRun(options.temporal, request.params.workflowId);
    return reply.code(statusOf[retried.outcome]).send(retried);
  });
};

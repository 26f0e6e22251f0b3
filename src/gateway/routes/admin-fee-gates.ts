import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { feeGateQuery, releaseFeeGateUpdate, type FeeGateWait } from '../../../workflows/fee-gate';
import { workflowIds } from '../../common/workflow-ids';
import { requireAdminToken } from '../../auth/admin-auth';

export interface AdminFeeGateRoutesOptions {
  temporal: Client;
  adminToken: string;
}

/** Onboardings waiting for the registration fee: WaitingOn is `fee` only while the gate waits. */
const waitingQuery = 'WaitingOn = "fee" AND ExecutionStatus = "Running"';

/**
 * The operator's view of fee-gated onboarding: which students wait for their registration fee,
 * and letting one in unpaid (with a reason, kept in the workflow's history).
 */
export const adminFeeGateRoutes: FastifyPluginAsyncZod<AdminFeeGateRoutesOptions> = async (app, options) => {
  const { temporal } = options;
  app.addHook('onRequest', requireAdminToken(options.adminToken));

  app.get('/admin/fee-gates', async () => {
    const waiting: { workflowId: string; wait: FeeGateWait }[] = [];
    for await (const execution of temporal.workflow.list({ query: waitingQuery })) {
      const wait = await temporal.workflow.getHandle(execution.workflowId, execution.runId).query(feeGateQuery);
      if (wait) waiting.push({ workflowId: execution.workflowId, wait });
    }
    return { waiting };
  });

  app.post(
    '/admin/fee-gates/:studentId/release',
    { schema: { params: z.object({ studentId: z.string().min(1) }), body: z.object({ reason: z.string().trim().min(1, 'say why the student is let in unpaid') }) } },
    async (request, reply) => {
      const workflowId = workflowIds.onboard(request.params.studentId);
      try {
        const accepted = await temporal.workflow.getHandle(workflowId).executeUpdate(releaseFeeGateUpdate, { args: [{ reason: request.body.reason }] });
        return { workflowId, accepted };
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) return reply.code(409).send({ error: err.cause?.message ?? err.message });
        if (err instanceof WorkflowNotFoundError) return reply.code(404).send({ error: `no onboarding ${workflowId} is running` });
        throw err;
      }
    },
  );
};

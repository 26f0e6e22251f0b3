import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callTemporalWithin } from '../temporal-within';

export interface HealthRoutesOptions {
  temporal: Client;
  /** How long /readyz waits for Temporal before calling the gateway not ready. */
  readyTimeoutMs?: number;
}

const status = z.object({ status: z.enum(['ok', 'ready', 'not ready']), reason: z.string().optional() });

/**
 * `GET /healthz`: the process answers (liveness). `GET /readyz`: Temporal answers too, since a
 * webhook accepted without a durable workflow start would be lost (readiness).
 */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, options) => {
  const readyTimeoutMs = options.readyTimeoutMs ?? 2_000;
  const inFlight = new Set<Promise<unknown>>();
  app.addHook('onClose', async () => {
    await Promise.all(inFlight);
  });

  app.get('/healthz', { schema: { response: { 200: status } } }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', { schema: { response: { 200: status, 503: status } } }, async (request, reply) => {
    try {
      // Temporal's system info: the cheapest call that proves the frontend answers.
      await callTemporalWithin(options.temporal, readyTimeoutMs, inFlight, () => options.temporal.connection.workflowService.getSystemInfo({}));
      return { status: 'ready' as const };
    } catch (err) {
      // Probes repeat every few seconds: one line with the cause, no stack.
      request.log.warn({ cause: (err as Error).message }, 'readiness check: Temporal did not answer');
      return reply.code(503).send({ status: 'not ready' as const, reason: 'Temporal is not reachable' });
    }
  });
};

import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export interface HealthRoutesOptions {
  temporal: Client;
  /** How long /readyz waits for Temporal before calling the gateway not ready. */
  readyTimeoutMs?: number;
}

/**
 * Asks Temporal for its system info. The gRPC deadline ends the call, but the client's retry of
 * UNAVAILABLE sleeps past it (about 3.3 s for a 2 s deadline, measured), so a timer bounds the
 * answer. The call itself still runs to its end, and must not outlive the connection (the SDK's
 * retry timer throws on a closed channel), so `inFlight` lets the plugin wait for it on close.
 */
async function answersWithin(temporal: Client, ms: number, inFlight: Set<Promise<unknown>>): Promise<void> {
  const connection = temporal.connection;
  const call = connection.withDeadline(Date.now() + ms, () => connection.workflowService.getSystemInfo({}));
  const settled: Promise<unknown> = call.then(
    () => inFlight.delete(settled),
    () => inFlight.delete(settled),
  );
  inFlight.add(settled);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([call, timedOut]);
  } finally {
    clearTimeout(timer);
  }
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
      await answersWithin(options.temporal, readyTimeoutMs, inFlight);
      return { status: 'ready' as const };
    } catch (err) {
      // Probes repeat every few seconds: one line with the cause, no stack.
      request.log.warn({ cause: (err as Error).message }, 'readiness check: Temporal did not answer');
      return reply.code(503).send({ status: 'not ready' as const, reason: 'Temporal is not reachable' });
    }
  });
};

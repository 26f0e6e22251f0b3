import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

const labelNames = ['method', 'route', 'status_code', 'listener'] as const;

export interface GatewayMetrics {
  registry: Registry;
  /** Counts one listener's requests; register it on each app with the listener's name. */
  countRequests: FastifyPluginAsync<{ listener: 'public' | 'operator' }>;
}

/**
 * Request count and latency by route template (never the raw URL, which would carry student ids
 * and explode the label set), method, status and listener, in one registry that both listeners
 * count into and the operator listener serves as `GET /metrics`. One per gateway, so tests can
 * build many gateways in one process.
 */
export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered by the gateway', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to response in the gateway',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const countRequests: FastifyPluginAsync<{ listener: 'public' | 'operator' }> = async (app, options) => {
    app.addHook('onResponse', async (request, reply) => {
      const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode), listener: options.listener };
      requests.inc(labels);
      duration.observe(labels, reply.elapsedTime / 1000);
    });
  };
  return { registry, countRequests: fp(countRequests, { name: 'count-requests', fastify: '5.x' }) };
}

import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { callTemporalWithin } from './temporal-within';

const labelNames = ['method', 'route', 'status_code', 'listener'] as const;

/** The gateway's own series, beside prom-client's process metrics; deploy/grafana queries these names. */
export const gatewayMetricNames = {
  requests: 'http_requests_total',
  requestDuration: 'http_request_duration_seconds',
  webhooksReceived: 'campus_bridge_webhooks_received_total',
  webhooksRejected: 'campus_bridge_webhooks_rejected_total',
  webhookStartDuration: 'campus_bridge_webhook_start_duration_seconds',
  parkedConflicts: 'campus_bridge_parked_conflicts',
  visibilityReadFailures: 'campus_bridge_visibility_read_failures_total',
} as const;

export interface GatewayMetrics {
  registry: Registry;
  /** Counts one listener's requests; register it on each app with the listener's name. */
  countRequests: FastifyPluginAsync<{ listener: 'public' | 'operator' }>;
}

/**
 * Why a webhook was refused, from the status its route answered (webhooks-erpnext.ts and
 * webhooks-moodle.ts answer each refusal with its own status, in the order they check).
 */
const rejectionReasons: Record<number, string> = {
  400: 'invalid_body',
  401: 'signature',
  404: 'unknown_trigger',
  413: 'too_large',
  415: 'content_type',
  503: 'temporal_unavailable',
};

/** A scrape must answer even when Temporal does not. */
const visibilityWithinMs = 2000;
const parkedConflictQuery = 'NeedsOperator = true AND ExecutionStatus = "Running"';

function webhookSource(request: FastifyRequest): string | undefined {
  return /^\/webhooks\/([a-z]+)/.exec(request.routeOptions.url ?? '')?.[1];
}

/** The trigger from the route's params, only once the route knew it (a 404's params are whatever a caller sent). */
function webhookTrigger(request: FastifyRequest, reply: FastifyReply, source: string): string {
  const params = request.params as { doctype?: string; event?: string };
  if (params.doctype === undefined || params.event === undefined) return source;
  return reply.statusCode === 404 ? 'unknown' : `${params.doctype}/${params.event}`;
}

/**
 * Request count and latency by route template (never the raw URL, which would carry student ids
 * and explode the label set), method, status and listener; webhooks received and refused by
 * reason, and how long an accepted one took to hand its start to Temporal; and, read from
 * Temporal's visibility at each scrape, the runs parked for an operator. One registry that both
 * listeners count into and the operator listener serves as `GET /metrics`; one per gateway, so
 * tests can build many gateways in one process.
 */
export function createGatewayMetrics(options: { temporal?: Client } = {}): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new Counter({ name: gatewayMetricNames.requests, help: 'HTTP requests answered by the gateway', labelNames, registers });
  const duration = new Histogram({
    name: gatewayMetricNames.requestDuration,
    help: 'Time from request to response in the gateway',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const received = new Counter({ name: gatewayMetricNames.webhooksReceived, help: 'Webhook deliveries received, by source and trigger', labelNames: ['source', 'trigger'], registers });
  const rejected = new Counter({ name: gatewayMetricNames.webhooksRejected, help: 'Webhook deliveries refused, by source and reason', labelNames: ['source', 'reason'], registers });
  const startDuration = new Histogram({
    name: gatewayMetricNames.webhookStartDuration,
    help: 'Time from a webhook delivery to its answer once Temporal holds the start (accepted deliveries)',
    labelNames: ['source'],
    // ERPNext's answer bound is 3 s (webhooks/erpnext-contract.ts); the buckets resolve below it.
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers,
  });

  const inFlight = new Set<Promise<unknown>>();
  const temporal = options.temporal;
  if (temporal) {
    const failures = new Counter({ name: gatewayMetricNames.visibilityReadFailures, help: 'Scrapes whose Temporal visibility read failed (gauges kept their last value)', registers });
    new Gauge({
      name: gatewayMetricNames.parkedConflicts,
      help: 'Running workflows parked for an operator decision (NeedsOperator), from Temporal visibility',
      registers,
      async collect() {
        try {
          const { count } = await callTemporalWithin(temporal, visibilityWithinMs, inFlight, () => temporal.workflow.count(parkedConflictQuery));
          this.set(count);
        } catch {
          failures.inc();
        }
      },
    });
  }

  const countRequests: FastifyPluginAsync<{ listener: 'public' | 'operator' }> = async (app, pluginOptions) => {
    app.addHook('onResponse', async (request, reply) => {
      const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode), listener: pluginOptions.listener };
      requests.inc(labels);
      duration.observe(labels, reply.elapsedTime / 1000);
      const source = webhookSource(request);
      if (source === undefined) return;
      received.inc({ source, trigger: webhookTrigger(request, reply, source) });
      if (reply.statusCode < 300) startDuration.observe({ source }, reply.elapsedTime / 1000);
      else rejected.inc({ source, reason: rejectionReasons[reply.statusCode] ?? `status_${reply.statusCode}` });
    });
    // A scrape's visibility read must not outlive the connection (see callTemporalWithin).
    app.addHook('onClose', async () => void (await Promise.all(inFlight)));
  };
  return { registry, countRequests: fp(countRequests, { name: 'count-requests', fastify: '5.x' }) };
}

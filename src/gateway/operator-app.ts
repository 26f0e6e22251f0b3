import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/env';
import type { Mapping } from '../config/mapping-file';
import { consoleOptionsFrom, type ConsoleConfig } from '../console/console-options';
import { consoleRoutes } from '../console/routes';
import { createLogger } from '../logging/logger';
import { payloadCodecFor } from '../temporal/codec';
import { payloadKeyRing } from '../temporal/key-ring';
import { requireAdminToken } from '../auth/admin-auth';
import { createGatewayFastify } from './fastify-base';
import type { GatewayMetrics } from './metrics';
import { adminRoutes } from './routes/admin';
import { adminBackfillRoutes } from './routes/admin-backfill';
import { adminFeeGateRoutes } from './routes/admin-fee-gates';
import { adminProvisionRoutes } from './routes/admin-provision';
import { adminReconcileRoutes } from './routes/admin-reconcile';
import { adminReportRoutes } from './routes/admin-reports';
import { adminRetryRoutes } from './routes/admin-retry';
import { adminStatusRoutes } from './routes/admin-status';
import { adminSyncRoutes } from './routes/admin-sync';
import { codecRoutes } from './routes/codec';

export interface OperatorAppDependencies {
  config: Pick<GatewayConfig, 'ADMIN_TOKEN' | 'CODEC_TOKENS' | 'CODEC_UI_ORIGINS' | 'PAYLOAD_ENCRYPTION_KEYS' | 'PAYLOAD_ENCRYPTION_KEY' | 'LOG_LEVEL'> & ConsoleConfig;
  temporal: Client;
  mapping: Mapping;
  metrics: GatewayMetrics;
  logger?: Logger;
}

/** Admin requests are a decision or a sync filter: a few hundred bytes. */
const operatorBodyLimit = 16 * 1024;

/**
 * The operator listener (OPERATOR_PORT, loopback unless OPERATOR_HOST says otherwise): the admin
 * API, the codec for the Web UI and `/metrics`, each behind a bearer token. Kept off the webhook
 * port so that what ERPNext must reach cannot decrypt payloads or resolve conflicts.
 */
export async function buildOperatorApp(deps: OperatorAppDependencies): Promise<FastifyInstance> {
  const { config, temporal, mapping } = deps;
  const app = createGatewayFastify({ logger: deps.logger ?? createLogger({ level: config.LOG_LEVEL }), bodyLimit: operatorBodyLimit });
  await app.register(deps.metrics.countRequests, { listener: 'operator' });
  // Prometheus sends it as `authorization: { credentials: … }` in its scrape config.
  app.get('/metrics', { onRequest: requireAdminToken(config.ADMIN_TOKEN) }, async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  await app.register(adminRoutes, { temporal, adminToken: config.ADMIN_TOKEN });
  await app.register(adminSyncRoutes, { temporal, mapping, adminToken: config.ADMIN_TOKEN });
  await app.register(adminRetryRoutes, { temporal, adminToken: config.ADMIN_TOKEN });
  await app.register(adminBackfillRoutes, { temporal, mapping, adminToken: config.ADMIN_TOKEN });
  await app.register(adminProvisionRoutes, { temporal, mapping, adminToken: config.ADMIN_TOKEN });
  await app.register(adminReconcileRoutes, { temporal, mapping, adminToken: config.ADMIN_TOKEN });
  await app.register(adminStatusRoutes, { temporal, adminToken: config.ADMIN_TOKEN });
  await app.register(adminFeeGateRoutes, { temporal, adminToken: config.ADMIN_TOKEN });
  const consoleOptions = consoleOptionsFrom(config, temporal, mapping);
  await app.register(adminReportRoutes, { reports: consoleOptions.reports, adminToken: config.ADMIN_TOKEN });
  await app.register(consoleRoutes, consoleOptions);
  const codec = payloadCodecFor(payloadKeyRing(config));
  if (codec) {
    await app.register(codecRoutes, { codec, adminToken: config.ADMIN_TOKEN, codecTokens: config.CODEC_TOKENS ?? [], uiOrigins: config.CODEC_UI_ORIGINS ?? [] });
  }
  return app;
}

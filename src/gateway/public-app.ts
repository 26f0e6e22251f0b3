import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/env';
import type { Mapping } from '../config/mapping-file';
import { lifecyclePolicy } from '../mapping/lifecycle-policy';
import { createLogger } from '../logging/logger';
import { loggingWebhookSubject } from '../logging/webhook-subject';
import { createGatewayFastify } from './fastify-base';
import type { GatewayMetrics } from './metrics';
import { healthRoutes } from './routes/health';
import { studentProfileFields } from '../webhooks/student-profile';
import { erpnextWebhookRoutes } from './routes/webhooks-erpnext';
import { rosterDefaults } from '../starters/roster-events';
import { moodleWebhookRoutes } from './routes/webhooks-moodle';
import { electivesPolicy } from '../mapping/electives';

export interface PublicAppDependencies {
  config: Pick<GatewayConfig, 'ERPNEXT_WEBHOOK_SECRET' | 'ERPNEXT_WEBHOOK_SECRET_PREVIOUS' | 'MOODLE_WEBHOOK_AUTH' | 'MOODLE_WEBHOOK_SECRET' | 'LOG_LEVEL'>;
  temporal: Client;
  mapping: Mapping;
  /** Counts this listener's requests; the operator listener serves them. */
  metrics: GatewayMetrics;
  /** Defaults to a JSON logger on stdout at LOG_LEVEL. */
  logger?: Logger;
}

/**
 * A webhook body is a trigger of a few hundred bytes (doctype and names); 64 KiB leaves room for a
 * hand-made Webhook sending a whole document and refuses anything larger with 413.
 */
const webhookBodyLimit = 64 * 1024;

/**
 * The public listener (GATEWAY_PORT): what ERPNext must reach. Signed webhooks in, workflow starts
 * out, and the health probes; nothing that reads or changes state for a caller without the
 * webhook secret.
 */
export async function buildPublicApp(deps: PublicAppDependencies): Promise<FastifyInstance> {
  const { config, temporal, mapping } = deps;
  const app = createGatewayFastify({ logger: deps.logger ?? createLogger({ level: config.LOG_LEVEL }), bodyLimit: webhookBodyLimit });
  await app.register(deps.metrics.countRequests, { listener: 'public' });
  await app.register(loggingWebhookSubject);
  await app.register(healthRoutes, { temporal });
  const secrets = [config.ERPNEXT_WEBHOOK_SECRET, ...(config.ERPNEXT_WEBHOOK_SECRET_PREVIOUS ? [config.ERPNEXT_WEBHOOK_SECRET_PREVIOUS] : [])];
  await app.register(erpnextWebhookRoutes, { temporal, secrets, policy: lifecyclePolicy(mapping), roster: rosterDefaults(mapping), studentProfileFields: studentProfileFields(Object.keys(mapping.customFields)) });
  if (config.MOODLE_WEBHOOK_AUTH && config.MOODLE_WEBHOOK_SECRET) {
    await app.register(moodleWebhookRoutes, { temporal, auth: config.MOODLE_WEBHOOK_AUTH, secrets: [config.MOODLE_WEBHOOK_SECRET], policy: electivesPolicy(mapping) });
  }
  return app;
}

import type { Client } from '@temporalio/client';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/env';
import type { Mapping } from '../config/mapping-file';
import { lifecyclePolicy } from '../mapping/lifecycle-policy';
import { payloadCodecFor } from '../temporal/codec';
import { createLogger } from '../logging/logger';
import metrics from './metrics';
import { adminRoutes } from './routes/admin';
import { adminSyncRoutes } from './routes/admin-sync';
import { codecRoutes, defaultUiOrigins } from './routes/codec';
import { healthRoutes } from './routes/health';
import { erpnextWebhookRoutes } from './routes/webhooks-erpnext';

export interface AppDependencies {
  config: GatewayConfig;
  temporal: Client;
  mapping: Mapping;
  /** Defaults to a JSON logger on stdout at LOG_LEVEL. */
  logger?: Logger;
}

/** Probes and scrapes arrive every few seconds; logging each would bury the webhook traffic. */
const probePaths = new Set(['/healthz', '/readyz', '/metrics']);
const isProbe = (request: { url: string }) => probePaths.has(request.url.split('?')[0]);

/** One readable line per invalid field, e.g. `body/student: expected string`. */
function describeValidation(context: string | undefined, issues: { instancePath: string; message?: string }[]) {
  return issues.map((issue) => ({ field: `${context ?? 'request'}${issue.instancePath}`, message: issue.message ?? 'invalid' }));
}

/**
 * The gateway: webhooks in, workflow starts out, plus the admin API and health. Routes take what
 * they need as plugin options; listening and closing belong to the entry point (`server.ts`).
 */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { config, temporal, mapping } = deps;
  const logger: FastifyBaseLogger = deps.logger ?? createLogger({ level: config.LOG_LEVEL });
  const app = Fastify({ loggerInstance: logger, logController: new LogController({ disableRequestLogging: isProbe }) });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const problems = describeValidation(error.validationContext, error.validation);
      return reply.code(400).send({
        statusCode: 400,
        error: 'Bad Request',
        message: problems.map((p) => `${p.field}: ${p.message}`).join('; '),
        problems,
      });
    }
    const statusCode = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (statusCode >= 500) {
      request.log.error({ err: error }, 'request failed');
      // Internal messages can quote hosts, documents or personal data: the client gets none of it.
      return reply.code(statusCode).send({ statusCode, error: 'Internal Server Error', message: 'Something went wrong; the gateway log has the details.' });
    }
    return reply.code(statusCode).send({ statusCode, error: error.name, message: error.message });
  });

  await app.register(metrics);
  await app.register(healthRoutes, { temporal });
  await app.register(erpnextWebhookRoutes, { temporal, secret: config.ERPNEXT_WEBHOOK_SECRET, policy: lifecyclePolicy(mapping) });
  await app.register(adminRoutes, { temporal, adminToken: config.ADMIN_TOKEN });
  await app.register(adminSyncRoutes, { temporal, mapping, adminToken: config.ADMIN_TOKEN });
  const codec = payloadCodecFor(config.PAYLOAD_ENCRYPTION_KEY);
  if (codec) await app.register(codecRoutes, { codec, uiOrigins: defaultUiOrigins });
  return app;
}

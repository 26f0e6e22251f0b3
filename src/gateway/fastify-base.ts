import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';

/** Probes and scrapes arrive every few seconds; logging each would bury the webhook traffic. */
const probePaths = new Set(['/healthz', '/readyz', '/metrics']);
const isProbe = (request: { url: string }) => probePaths.has(request.url.split('?')[0]);

/** One readable line per invalid field, e.g. `body/student: expected string`. */
function describeValidation(context: string | undefined, issues: { instancePath: string; message?: string }[]) {
  return issues.map((issue) => ({ field: `${context ?? 'request'}${issue.instancePath}`, message: issue.message ?? 'invalid' }));
}

export interface GatewayFastifyOptions {
  logger: FastifyBaseLogger;
  /** Largest body any route of this listener reads (413 above it); a route may set a larger one. */
  bodyLimit: number;
}

/**
 * What both listeners share: zod schemas, the logger (probes unlogged), a body limit, and one
 * error shape. A client error says what was wrong; a server error says nothing, since internal
 * messages can quote hosts, documents or personal data.
 */
export function createGatewayFastify(options: GatewayFastifyOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: isProbe }),
    bodyLimit: options.bodyLimit,
    // A JSON body's `__proto__` or `constructor.prototype` key is refused (400), never merged.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
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
    // Every route here reads JSON: another Content-Type is a malformed request like any other.
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: 'expected Content-Type: application/json' });
    }
    const statusCode = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (statusCode >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(statusCode).send({ statusCode, error: 'Internal Server Error', message: 'Something went wrong; the gateway log has the details.' });
    }
    return reply.code(statusCode).send({ statusCode, error: error.name, message: error.message });
  });
  return app;
}

import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** Frappe's `name` column is varchar(140): anything longer is no document name and is not logged as one. */
const nameLimit = 140;

const docName = (value: unknown) => (typeof value === 'string' && value.length > 0 && value.length <= nameLimit ? value : undefined);

/** The document and Student an ERPNext webhook body names: a Student's own name, or the `student` link of the others. */
function subjectOf(raw: Buffer): Record<string, string> {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return {};
  }
  if (body === null || typeof body !== 'object') return {};
  const { doctype, name, student } = body as Record<string, unknown>;
  const subject: Record<string, string | undefined> = {
    doctype: docName(doctype),
    docName: docName(name),
    studentId: doctype === 'Student' ? docName(name) : docName(student),
  };
  return Object.fromEntries(Object.entries(subject).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * Every line the gateway logs for an ERPNext webhook, the route's own and Fastify's "request
 * completed", carries the document and the Student it names, so one student's deliveries are found
 * with one filter. Read before the signature check, so a refused delivery shows what it claimed;
 * the route's own line says it was refused.
 */
const webhookSubjectPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.url?.startsWith('/webhooks/erpnext/') || !Buffer.isBuffer(request.body)) return;
    const subject = subjectOf(request.body);
    if (Object.keys(subject).length === 0) return;
    request.log = request.log.child(subject);
    reply.log = request.log;
  });
};

export const loggingWebhookSubject = fp(webhookSubjectPlugin, { name: 'logging-webhook-subject', fastify: '5.x' });

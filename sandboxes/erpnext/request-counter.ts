import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Counts protocol requests per `METHOD doctype-or-method` (`GET Student`, `POST
 * frappe.client.insert_many`) so tests can assert how many calls were made. Registered before the
 * fault plugin, so requests it rejects are counted too.
 */
export function requestKey(method: string, url: string): string | undefined {
  const path = url.split('?')[0];
  const match = /^\/api(?:\/v1)?\/(resource|method)\/([^/]+)/.exec(path);
  if (!match) return undefined;
  return `${method} ${decodeURIComponent(match[2])}`;
}

async function requestCounter(app: FastifyInstance, options: { counts: Map<string, number> }) {
  app.addHook('onRequest', async (request) => {
    const key = requestKey(request.method, request.url);
    if (key) options.counts.set(key, (options.counts.get(key) ?? 0) + 1);
  });
  app.get('/__sandbox/requests', async () => Object.fromEntries(options.counts));
  app.delete('/__sandbox/requests', async (_request, reply) => {
    options.counts.clear();
    return reply.code(204).send();
  });
}

export const requestCounterPlugin = fp(requestCounter, { name: 'erpnext-request-counter', fastify: '5.x' });

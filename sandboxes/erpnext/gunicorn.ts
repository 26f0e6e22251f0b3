import type { FastifyInstance } from 'fastify';

/**
 * gunicorn's `limit_request_line` (default 4094 bytes): a longer request line never reaches Frappe.
 * gunicorn answers 400 with its own HTML page, "Request Line is too large (<n> &gt; 4094)", where n
 * is the length it had read, at most 8192 (captures README, 045/046). The page layout is gunicorn's
 * `util.write_error` template (from gunicorn 23's source, not a capture).
 */
export const requestLineLimit = 4094;

const errorPage = (reason: string, message: string) =>
  `<html>\n  <head>\n    <title>${reason}</title>\n  </head>\n  <body>\n    <h1><p>${reason}</p></h1>\n    ${message}\n  </body>\n</html>\n`;

export function enforceRequestLineLimit(app: FastifyInstance) {
  app.addHook('onRequest', async (request, reply) => {
    const requestLine = Buffer.byteLength(`${request.raw.method} ${request.raw.url} HTTP/${request.raw.httpVersion}`);
    if (requestLine <= requestLineLimit) return;
    const seen = Math.min(requestLine, 8192);
    return reply
      .code(400)
      .header('content-type', 'text/html')
      .header('connection', 'close')
      .send(errorPage('Bad Request', `Request Line is too large (${seen} &gt; ${requestLineLimit})`));
  });
}

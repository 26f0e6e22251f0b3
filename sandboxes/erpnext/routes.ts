import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type ApiUser, type Session } from './auth';
import { requirePermission, type Right } from './permissions';
import { FrappeException, errorBody, infoMessages, notPermitted, validationError } from './frappe-errors';
import { parseJsonArg } from './query';
import type { Site } from './site';
import type { Doc } from './store';
import { resolveMethod } from './whitelisted-methods';

/**
 * Frappe REST API v1 (`frappe/api/v1.py`, `frappe/handler.py`): `/api/resource/…` and
 * `/api/method/…` (also under `/api/v1/`). Arguments follow `make_form_dict`: a JSON body is the
 * arguments; otherwise query string and form fields are merged. Each request is one transaction;
 * a GET is always rolled back.
 */
export interface RoutesOptions {
  site: Site;
  users: readonly ApiUser[];
}

const isJson = (request: FastifyRequest) => String(request.headers['content-type'] ?? '').startsWith('application/json');

function argsOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};
  if (isJson(request)) return body;
  return { ...(request.query as Record<string, unknown>), ...body };
}

/** POST/PUT resource bodies: the JSON body, or a `data` form field holding JSON. */
function docBody(request: FastifyRequest): Doc {
  const args = argsOf(request);
  const data = isJson(request) ? args : parseJsonArg(args.data ?? '{}', 'data');
  if (!data || typeof data !== 'object' || Array.isArray(data)) return validationError('Request body must be a JSON object');
  const { doctype: _ignored, ...doc } = data as Doc;
  return doc;
}

export async function erpnextRoutes(app: FastifyInstance, options: RoutesOptions) {
  const { site } = options;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  // Frappe's werkzeug responses say `application/json` with no charset (every JSON capture).
  app.addHook('onSend', async (_request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) reply.header('content-type', 'application/json');
    return payload;
  });

  // An unmatched route or HTTP method (PATCH) is Frappe's bare DoesNotExistError (065, 099).
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ exc_type: 'DoesNotExistError' }));

  app.setErrorHandler((err, _request, reply) => {
    if (err instanceof FrappeException) return reply.code(err.httpStatus).send(errorBody(err));
    // Anything else, including a body Frappe's json.loads could not parse, is an unexpected exception: 500.
    const error = err instanceof Error ? err : new Error(String(err));
    return reply.code(500).send(errorBody(new FrappeException(error.name || 'Exception', 500, [error.message])));
  });

  const session = (request: FastifyRequest): Session => authenticate(request.headers.authorization, options.users);
  /** GET writes are rolled back, unless the function commits explicitly (`frappe.db.commit()`). */
  const inTransaction = <T>(request: FastifyRequest, fn: () => T, commits = false): T => site.transaction(fn, { readOnly: request.method === 'GET' && !commits });
  const allow = (request: FastifyRequest, doctype: string, right: Right, options?: { traceback?: boolean }) => {
    site.requireMeta(doctype);
    requirePermission(session(request), doctype, right, options);
  };

  const withMessages = (body: Record<string, unknown>) => {
    const messages = site.takeMessages();
    return messages.length > 0 ? { ...body, _server_messages: infoMessages(messages) } : body;
  };
  const resource = (reply: FastifyReply, data: unknown, status = 200) => reply.code(status).send(withMessages({ data }));

  for (const prefix of ['/api', '/api/v1']) {
    app.get<{ Params: { doctype: string } }>(`${prefix}/resource/:doctype`, async (request, reply) => {
      const { doctype } = request.params;
      allow(request, doctype, 'read', { traceback: true });
      const args = argsOf(request);
      // A child table is listable only through its parent (`parent=<ParentDocType>`, 040/041).
      if (site.meta.get(doctype)?.istable && !args.parent) throw new FrappeException('PermissionError', 403, [], undefined, { text: '' });
      const rows = inTransaction(request, () => site.query.list(doctype, site.rows(doctype), argsOf(request), (d) => site.listRow(doctype, d)));
      return resource(reply, rows);
    });

    app.post<{ Params: { doctype: string } }>(`${prefix}/resource/:doctype`, async (request, reply) => {
      const { doctype } = request.params;
      allow(request, doctype, 'create');
      const doc = inTransaction(request, () => site.asDict(doctype, site.insert(doctype, docBody(request)), { noNulls: true }));
      return resource(reply, doc);
    });

    app.get<{ Params: { doctype: string; name: string } }>(`${prefix}/resource/:doctype/:name`, async (request, reply) => {
      const { doctype, name } = request.params;
      allow(request, doctype, 'read');
      return resource(reply, site.asDict(doctype, site.getDoc(doctype, name), { noNulls: true }));
    });

    app.put<{ Params: { doctype: string; name: string } }>(`${prefix}/resource/:doctype/:name`, async (request, reply) => {
      const { doctype, name } = request.params;
      allow(request, doctype, 'write');
      const doc = inTransaction(request, () => site.asDict(doctype, site.save(doctype, name, docBody(request)), { noNulls: true }));
      return resource(reply, doc);
    });

    app.delete<{ Params: { doctype: string; name: string } }>(`${prefix}/resource/:doctype/:name`, async (request, reply) => {
      const { doctype, name } = request.params;
      allow(request, doctype, 'delete');
      inTransaction(request, () => site.delete(doctype, name));
      return resource(reply, 'ok', 202);
    });

    /** `run_method`: the whitelisted Document methods `submit`, `cancel` and `save`. */
    app.post<{ Params: { doctype: string; name: string } }>(`${prefix}/resource/:doctype/:name`, async (request, reply) => {
      const { doctype, name } = request.params;
      allow(request, doctype, 'write');
      const { run_method: method, ...rest } = docBody(request);
      const patch = method === 'submit' ? { docstatus: 1 } : method === 'cancel' ? { docstatus: 2 } : method === 'save' ? rest : notPermitted(`Method ${String(method)} is not whitelisted`);
      return resource(reply, inTransaction(request, () => site.asDict(doctype, site.save(doctype, name, patch), { noNulls: true })));
    });

    app.all<{ Params: { '*': string } }>(`${prefix}/method/*`, async (request, reply) => {
      const path = request.params['*'];
      const caller = session(request);
      const method = resolveMethod(path, request.method, caller);
      const message = inTransaction(request, () => method.run({ site, args: argsOf(request), user: caller.user, session: caller }), method.commits);
      return reply.send(withMessages(message === undefined ? {} : { message }));
    });
  }
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type ApiUser, type Session } from './auth';
import { requirePermission, type Right } from './permissions';
import { FrappeException, controllerImportError, errorBody, infoMessages, notFound, notPermitted, validationError } from './frappe-errors';
import { jsonLoads } from './py-json-decode';
import { parseJsonArg } from './query';
import type { MessageLog, Site } from './site';
import type { Doc } from './store';
import { resolveMethod } from './whitelisted-methods';

/**
 * `as_dict` keeps a posted document's `__onload` (a mapped document posted back, 284, 308): it is
 * an attribute of the request's document, never stored, so only the insert's answer shows it.
 */
const withOnload = (body: Record<string, unknown>, doc: Record<string, unknown>) =>
  body.__onload && typeof body.__onload === 'object' ? { ...doc, __onload: body.__onload } : doc;

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

interface Answer<T> {
  result: T;
  messages: MessageLog[];
}

const isJson = (request: FastifyRequest) => String(request.headers['content-type'] ?? '').startsWith('application/json');

function argsOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};
  // An empty JSON body is no body: `make_form_dict` then reads the query string and form.
  if (isJson(request) && request.body !== undefined) return body;
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

  // `make_form_dict` json.loads a non-empty JSON body before anything else: malformed text is an
  // uncaught JSONDecodeError (500) with Python's message and position (060).
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, String(body) === '' ? undefined : jsonLoads(String(body)));
    } catch (err) {
      done(err as Error);
    }
  });
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
  const readOnly = (request: FastifyRequest, commits = false) => ({ readOnly: request.method === 'GET' && !commits, user: session(request).user });
  /** The result and the messages the transaction queued for the response. */
  const inTransaction = <T>(request: FastifyRequest, fn: () => T, commits = false): Answer<T> => site.transaction(() => ({ result: fn(), messages: site.takeMessages() }), readOnly(request, commits));
  /** `frappe.get_doc` paths (read, update, insert) import the DocType's controller before anything else. */
  const requireController = (doctype: string) => site.meta.get(doctype) ?? controllerImportError(doctype);
  const allow = (request: FastifyRequest, doctype: string, right: Right, options?: { traceback?: boolean }) => {
    site.requireMeta(doctype);
    requirePermission(session(request), doctype, right, options);
  };

  const withMessages = (body: Record<string, unknown>, messages: MessageLog[]) => (messages.length > 0 ? { ...body, _server_messages: infoMessages(messages) } : body);
  const resource = <T>(reply: FastifyReply, answer: Answer<T>, status = 200) => reply.code(status).send(withMessages({ data: answer.result }, answer.messages));

  for (const prefix of ['/api', '/api/v1']) {
    app.get<{ Params: { doctype: string } }>(`${prefix}/resource/:doctype`, async (request, reply) => {
      const { doctype } = request.params;
      allow(request, doctype, 'read', { traceback: true });
      const args = argsOf(request);
      // frappe/api/v1.py `document_list` json.loads a given `fields` itself, even "*" (037).
      if (typeof args.fields === 'string' && args.fields !== '') args.fields = jsonLoads(args.fields);
      // A child table is listable only through its parent (`parent=<ParentDocType>`, 040/041).
      if (site.meta.get(doctype)?.istable && !args.parent) throw new FrappeException('PermissionError', 403, [], undefined, { text: '' });
      return resource(reply, inTransaction(request, () => site.query.answer(doctype, site.rows(doctype), args, (d) => site.listRow(doctype, d))));
    });

    app.post<{ Params: { doctype: string } }>(`${prefix}/resource/:doctype`, async (request, reply) => {
      const { doctype } = request.params;
      requireController(doctype);
      allow(request, doctype, 'create');
      const body = docBody(request);
      if (site.interleaving) {
        // A multi-worker site: other requests run while this one sits between its checks and its write.
        const answer = await site.transactionAsync(async () => {
          const doc = await site.insertInterleaved(doctype, body);
          return { result: withOnload(body, site.asDict(doctype, doc, { noNulls: true })), messages: site.takeMessages() };
        }, readOnly(request));
        return resource(reply, answer);
      }
      return resource(reply, inTransaction(request, () => withOnload(body, site.asDict(doctype, site.insert(doctype, body), { noNulls: true }))));
    });

    app.get<{ Params: { doctype: string; name: string } }>(`${prefix}/resource/:doctype/:name`, async (request, reply) => {
      const { doctype, name } = request.params;
      requireController(doctype);
      allow(request, doctype, 'read');
      return resource(reply, inTransaction(request, () => site.asDict(doctype, site.getDoc(doctype, name), { noNulls: true })));
    });

    app.put<{ Params: { doctype: string; name: string } }>(`${prefix}/resource/:doctype/:name`, async (request, reply) => {
      const { doctype, name } = request.params;
      requireController(doctype);
      allow(request, doctype, 'write');
      const body = docBody(request);
      return resource(
        reply,
        inTransaction(request, () => {
          // v1 `update_doc` loads the document, then `doc.update(body)`: a `name` in the body renames the
          // loaded document, and its save looks that name up (074: 404 "Course Renamed not found").
          // Only a name no document has is modelled; the body naming another existing document is not.
          site.getDoc(doctype, name);
          if (typeof body.name === 'string' && body.name !== name && !site.exists(doctype, body.name)) notFound(doctype, body.name);
          return site.asDict(doctype, site.save(doctype, name, body), { noNulls: true });
        }),
      );
    });

    app.delete<{ Params: { doctype: string; name: string } }>(`${prefix}/resource/:doctype/:name`, async (request, reply) => {
      const { doctype, name } = request.params;
      allow(request, doctype, 'delete');
      // `frappe.delete_doc` of a missing name raises a bare DoesNotExistError: no message (099).
      if (!site.exists(doctype, name)) throw new FrappeException('DoesNotExistError', 404, [], undefined, { silent: true });
      const answer = inTransaction(request, () => site.delete(doctype, name));
      return resource(reply, { ...answer, result: 'ok' }, 202);
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
      const { result: message, messages } = inTransaction(request, () => method.run({ site, args: argsOf(request), user: caller.user, session: caller }), method.commits);
      return reply.send(withMessages(message === undefined ? {} : { message }, messages));
    });
  }
}

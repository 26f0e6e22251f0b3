import { z } from 'zod';
import { erpnextInsertManyLimit } from '../common/batches';
import { parseRetryAfter } from '../errors/integration-error';
import { asksToWait, sendPaced, type RequestPacer } from '../http/request-pacer';
import { ErpnextError, errorFromNetwork, errorFromResponse, errorFromUnexpectedBody } from './errors';

/**
 * Frappe REST client (API v1: `/api/resource`, `/api/method`) with token auth. One typed function
 * per operation; every answer is zod-parsed; every failure becomes one classified `ErpnextError`.
 * Retries are Temporal's: nothing here loops or sleeps. Node's fetch keeps connections alive and
 * reuses them across calls.
 */
export interface ErpnextClientOptions {
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Spaces this process's requests to ERPNext and holds them after a Retry-After; none by default. */
  pacer?: RequestPacer;
}

/**
 * Per-call options. `signal` (an activity's cancellation) aborts the request in flight;
 * `onProgress` runs after every answered request, so a caller paging or writing one document at
 * a time can heartbeat.
 */
export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: () => void;
}

/**
 * Any Frappe document: the fields every DocType has. Resource responses are
 * `as_dict(no_nulls=True)`, so a null field is simply absent (the client drops nulls from list
 * rows too, so schemas say `optional()` for "may be empty"). Loose: other fields pass through.
 */
export const frappeDocSchema = z.looseObject({
  name: z.string(),
  creation: z.string().optional(),
  modified: z.string().optional(),
  /** 0 draft, 1 submitted, 2 cancelled. */
  docstatus: z.number().int().min(0).max(2).optional(),
  doctype: z.string().optional(),
});
export type FrappeDoc = z.infer<typeof frappeDocSchema>;

/** The fields that make a written document submitted in the same request, which is how Frappe submits over REST. */
export const docstatusFor = (submit: boolean): { docstatus?: 1 } => (submit ? { docstatus: 1 } : {});

/** Options of the calls that answer with a document: the schema it is parsed with (a resource module's). */
export interface DocOptions<Doc> extends CallOptions {
  schema?: z.ZodType<Doc>;
}

/** A filter: `[field, op, value]`, `[doctype, field, op, value]`, or the dict form `{field: value | [op, value]}`. */
export type FilterCondition = [string, string, unknown] | [string, string, string, unknown];
export type Filters = FilterCondition[] | Record<string, unknown>;

export interface ListParams<Row> {
  /** Columns to return; Frappe returns only `name` by default. */
  fields?: string[];
  filters?: Filters;
  orFilters?: Filters;
  /** e.g. `"creation desc"`. v15 applies no default order. */
  orderBy?: string;
  limitStart?: number;
  /** Frappe's default is 20; 0 returns every row. */
  limitPageLength?: number;
  /** Parses each row; rows are plain records (nulls dropped) without one. */
  schema?: z.ZodType<Row>;
}

export interface IterateParams<Row> extends Omit<ListParams<Row>, 'limitStart' | 'limitPageLength'> {
  /** Rows per request; default 500. */
  pageSize?: number;
}

export type ListRow = Record<string, unknown>;

/** A stable order for paging: `creation` ties (same microsecond) are broken by `name`. */
const defaultOrder = 'creation asc, name asc';

const resourceBodySchema = z.object({ data: z.unknown() });
const methodBodySchema = z.looseObject({ message: z.unknown().optional() });
const rowsSchema = z.array(z.record(z.string(), z.unknown()));

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Lists hold SQL NULLs where documents omit the key; dropping them gives both one shape. */
function dropNulls(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null));
}

function dropNullsDeep(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(doc)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, Array.isArray(v) ? v.map((row) => (row && typeof row === 'object' ? dropNulls(row as Record<string, unknown>) : row)) : v]),
  );
}

const queryValue = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * gunicorn's `limit_request_line`: a request line (method, path with query, protocol) longer than
 * 4094 bytes is refused with an HTML 400 before Frappe sees it (045; 046 passes at 2829 bytes).
 */
export const requestLineLimit = 4094;

/** The request line fetch sends for `url` (origin form, HTTP/1.1), in bytes. */
const requestLineBytes = (method: HttpMethod, url: URL) => Buffer.byteLength(`${method} ${url.pathname}${url.search} HTTP/1.1`);

export function createErpnextClient(options: ErpnextClientOptions) {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const authorization = `token ${options.apiKey}:${options.apiSecret}`;

  const resourcePath = (doctype: string, name?: string) =>
    `/api/resource/${encodeURIComponent(doctype)}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;

  const urlOf = (path: string, query: Record<string, unknown> = {}) => {
    const url = new URL(base + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, queryValue(value));
    }
    return url;
  };

  /** Whether a GET of `path` with `query` fits gunicorn's request line; a read that does not is POSTed instead. */
  const fitsRequestLine = (path: string, query: Record<string, unknown>) => requestLineBytes('GET', urlOf(path, query)) <= requestLineLimit;

  async function send(method: HttpMethod, path: string, init: { query?: Record<string, unknown>; body?: unknown }, call?: CallOptions): Promise<{ status: number; json: unknown }> {
    const what = `${method} ${path}`;
    const url = urlOf(path, init.query);
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';

    /** The request itself; a pacer, when there is one, decides when it leaves. */
    const request = async () => {
      // The timeout starts when the request leaves, not while it waits for its turn.
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = call?.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
      try {
        const answer = await fetch(url, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal });
        const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'));
        // Held before this request's slot is given back, so no waiting request slips out first.
        if (asksToWait(answer.status, retryAfterMs)) options.pacer?.pauseFor(retryAfterMs);
        return { response: answer, retryAfterMs, text: await answer.text() };
      } catch (err) {
        // The caller's own cancellation is not an ERPNext failure: let it surface as the abort it is.
        if (call?.signal?.aborted) throw call.signal.reason;
        throw errorFromNetwork(what, err, timeout.aborted);
      }
    };

    const { response, text } = await sendPaced(options.pacer, request, call?.signal);
    if (!response.ok) throw errorFromResponse(what, response.status, response.headers, text);
    call?.onProgress?.();
    try {
      return { status: response.status, json: JSON.parse(text) };
    } catch {
      throw errorFromUnexpectedBody(what, response.status, 'not JSON');
    }
  }

  function parse<T>(what: string, status: number, schema: z.ZodType<T>, value: unknown): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw errorFromUnexpectedBody(what, status, z.prettifyError(parsed.error));
    return parsed.data;
  }

  async function resource(method: HttpMethod, path: string, init: { query?: Record<string, unknown>; body?: unknown }, call?: CallOptions): Promise<unknown> {
    const { status, json } = await send(method, path, init, call);
    return parse(`${method} ${path}`, status, resourceBodySchema, json).data;
  }

  function parseDoc<Doc>(what: string, value: unknown, schema: z.ZodType<Doc> | undefined): Doc {
    const record = parse(what, 200, z.record(z.string(), z.unknown()), value);
    return parse(what, 200, schema ?? (frappeDocSchema as unknown as z.ZodType<Doc>), dropNullsDeep(record));
  }

  const listQuery = <Row>(params: ListParams<Row>) => ({
    fields: params.fields,
    filters: params.filters,
    or_filters: params.orFilters,
    order_by: params.orderBy,
    limit_start: params.limitStart,
    limit_page_length: params.limitPageLength,
  });

  const client = {
    /** `GET /api/resource/{doctype}/{name}`: the document with its child tables. */
    async getDoc<Doc = FrappeDoc>(doctype: string, name: string, options: DocOptions<Doc> = {}): Promise<Doc> {
      const path = resourcePath(doctype, name);
      return parseDoc(`GET ${path}`, await resource('GET', path, {}, options), options.schema);
    },

    /**
     * `GET /api/resource/{doctype}` (frappe.client.get_list): one page of rows. A page past the
     * first without `orderBy` gets `creation asc, name asc`: v15 sends no ORDER BY of its own.
     * A look-up whose GET would pass gunicorn's request-line limit (long `in` lists) is POSTed to
     * `/api/method/frappe.client.get_list` with the same arguments in its JSON body (047), which
     * has no such limit.
     */
    async getList<Row = ListRow>(doctype: string, params: ListParams<Row> = {}, call?: CallOptions): Promise<Row[]> {
      const path = resourcePath(doctype);
      const ordered = params.orderBy === undefined && (params.limitStart ?? 0) > 0 ? { ...params, orderBy: defaultOrder } : params;
      const query = listQuery(ordered);
      const viaGet = fitsRequestLine(path, query);
      const what = viaGet ? `GET ${path}` : 'POST frappe.client.get_list';
      const answer = viaGet ? await resource('GET', path, { query }, call) : await client.callMethod('frappe.client.get_list', { doctype, ...query }, 'POST', call);
      const rows = parse(what, 200, rowsSchema, answer).map(dropNulls);
      const schema = params.schema ?? (z.record(z.string(), z.unknown()) as unknown as z.ZodType<Row>);
      return parse(what, 200, z.array(schema), rows);
    },

    /**
     * Pages through `GET /api/resource/{doctype}` with `limit_start`, stopping on a short page.
     * Always ordered (default `creation asc, name asc`): v15 pages without ORDER BY are unstable.
     */
    async *iterate<Row = ListRow>(doctype: string, params: IterateParams<Row> = {}, call?: CallOptions): AsyncGenerator<Row, void, undefined> {
      const pageSize = params.pageSize ?? 500;
      const orderBy = params.orderBy ?? defaultOrder;
      for (let start = 0; ; start += pageSize) {
        const page = await client.getList<Row>(doctype, { ...params, orderBy, limitStart: start, limitPageLength: pageSize }, call);
        yield* page;
        if (page.length < pageSize) return;
      }
    },

    /** `frappe.client.get_count`: rows matching the filters. */
    async getCount(doctype: string, filters?: Filters, call?: CallOptions): Promise<number> {
      const message = await client.callMethod('frappe.client.get_count', { doctype, filters }, 'GET', call);
      return parse('GET frappe.client.get_count', 200, z.number().int().min(0), message);
    },

    /** `POST /api/resource/{doctype}`: inserts one document (submits it too when it carries `docstatus: 1`). */
    async insert<Doc = FrappeDoc>(doctype: string, doc: Record<string, unknown>, options: DocOptions<Doc> = {}): Promise<Doc> {
      const path = resourcePath(doctype);
      return parseDoc(`POST ${path}`, await resource('POST', path, { body: doc }, options), options.schema);
    },

    /**
     * `frappe.client.insert_many`: inserts up to 200 documents (each with its `doctype`) in one
     * transaction and returns their names. Larger batches are refused here rather than split,
     * because split batches would no longer be all-or-nothing.
     */
    async insertMany(docs: (Record<string, unknown> & { doctype: string })[], call?: CallOptions): Promise<string[]> {
      if (docs.length > erpnextInsertManyLimit) {
        throw new ErpnextError(`ERPNext insert_many takes at most ${erpnextInsertManyLimit} documents, got ${docs.length}`, { kind: 'permanent', code: 'TooManyDocuments' });
      }
      const message = await client.callMethod('frappe.client.insert_many', { docs }, 'POST', call);
      return parse('POST frappe.client.insert_many', 200, z.array(z.string()), message);
    },

    /**
     * `PUT /api/resource/{doctype}/{name}`: applies the patch and saves. Include the `modified`
     * value you read to get Frappe's optimistic lock (TimestampMismatchError, transient).
     */
    async update<Doc = FrappeDoc>(doctype: string, name: string, patch: Record<string, unknown>, options: DocOptions<Doc> = {}): Promise<Doc> {
      const path = resourcePath(doctype, name);
      return parseDoc(`PUT ${path}`, await resource('PUT', path, { body: patch }, options), options.schema);
    },

    /** Cancels a submitted document: `PUT /api/resource/{doctype}/{name}` with `docstatus: 2`. */
    async cancel<Doc = FrappeDoc>(doctype: string, name: string, options: DocOptions<Doc> = {}): Promise<Doc> {
      return client.update(doctype, name, { docstatus: 2 }, options);
    },

    /** `DELETE /api/resource/{doctype}/{name}` (202 `{"data":"ok"}`). */
    async delete(doctype: string, name: string, call?: CallOptions): Promise<void> {
      const path = resourcePath(doctype, name);
      parse(`DELETE ${path}`, 202, z.literal('ok'), await resource('DELETE', path, {}, call));
    },

    /**
     * `/api/method/{path}`: a whitelisted function. GET sends the args in the query string
     * (non-strings JSON-encoded), other methods as a JSON body; a GET too long for gunicorn's
     * request line goes as a POST, which Frappe runs the same way for any whitelisted function.
     * Returns `message` (undefined when the function returned None).
     */
    async callMethod(methodPath: string, args: Record<string, unknown> = {}, httpMethod: HttpMethod = 'POST', call?: CallOptions): Promise<unknown> {
      const path = `/api/method/${methodPath}`;
      const method = httpMethod === 'GET' && !fitsRequestLine(path, args) ? 'POST' : httpMethod;
      const { status, json } = await send(method, path, method === 'GET' ? { query: args } : { body: args }, call);
      return parse(`${method} ${path}`, status, methodBodySchema, json).message;
    },
  };
  return client;
}

export type ErpnextClient = ReturnType<typeof createErpnextClient>;

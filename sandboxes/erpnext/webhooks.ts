import { setTimeout as sleep } from 'node:timers/promises';
import { PyBytes, frappeAsJson } from './frappe-as-json';
import { PyFloat } from './py-json';
import type { DocEvent, Site } from './site';
import { type Doc, str } from './store';
import type { Transaction, TransactionListener } from './transactions';
import { compileCondition } from './webhook-condition';
import { webhookRequest } from './webhook-request';
import { createWorkerPool } from '../worker-pool';

/**
 * Frappe's Webhook delivery (`frappe/integrations/doctype/webhook`, v15.50): a matching event
 * (condition evaluated at the event) is queued per (webhook, document), the last state kept, and
 * sent only after the transaction commits, in the background like the RQ job. The body is Python's
 * `json.dumps(data)`; `X-Frappe-Webhook-Signature` is base64 HMAC-SHA256 of it; no Content-Type
 * unless a header row sets one. Three tries: at once after a read timeout, else after sleeping
 * 1 s, 4 s, 7 s. Every try writes a Webhook Request Log.
 *
 * Each delivery is its own RQ job on the Webhook's queue (`background_jobs_queue or "default"`,
 * from source: frappe `integrations/doctype/webhook/__init__.py`, `flush_webhook_execution_queue`;
 * not captured), and a background worker runs one job at a time, sleeps between tries included.
 * So a site delivers as many webhooks at once as it has workers on that queue.
 */
export interface WebhookDispatcherOptions {
  /** Multiplies Frappe's 1 s / 4 s / 7 s sleeps; tests use a small fraction. */
  retryDelayScale?: number;
  /**
   * Background workers taking the delivery jobs, each one job at a time. Unbounded by default:
   * every delivery at once, harder on the receiver than any site; a Data Import of a thousand
   * rows then opens thousands of connections together (the burst bench sets a site's number).
   */
  backgroundWorkers?: number;
}

interface Queued {
  webhook: string;
  doctype: string;
  doc: Doc;
}

const floatTypes = new Set(['Float', 'Currency', 'Percent']);

/** The document as the job's Python sees it: float-typed fields hold floats (`250.0`), not ints. */
function withPythonFloats(site: Site, doctype: string, doc: Doc): Doc {
  const meta = site.requireMeta(doctype);
  const out: Doc = { ...doc };
  for (const field of meta.fields) {
    const value = out[field.fieldname];
    if (floatTypes.has(field.fieldtype) && typeof value === 'number') out[field.fieldname] = new PyFloat(value);
    if (field.fieldtype === 'Table' && Array.isArray(value)) out[field.fieldname] = value.map((row: Doc) => withPythonFloats(site, field.options ?? '', row));
  }
  return out;
}

const pyTruthy = (value: unknown) => value !== undefined && value !== null && value !== '' && !(typeof value === 'object' && Object.keys(value).length === 0);

/** The headers as the job's Python holds them: the signature is bytes (`base64.b64encode`), the rest text. */
const pythonHeaders = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, key === 'X-Frappe-Webhook-Signature' ? new PyBytes(Buffer.from(value, 'ascii')) : value]));

export function createWebhookDispatcher(site: Site, options: WebhookDispatcherOptions = {}) {
  const scale = options.retryDelayScale ?? 1;
  const stop = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const workers = createWorkerPool(options.backgroundWorkers ?? Infinity);
  /** Per transaction, so interleaved requests queue and deliver only their own events. */
  const queues = new Map<Transaction, Map<string, Queued>>();

  function log(webhook: string, doctype: string, docname: string, url: string, headers: Record<string, string> | undefined, data: unknown, response: string | undefined, error: string | undefined) {
    site.transaction(() =>
      site.insert('Webhook Request Log', {
        webhook,
        reference_doctype: doctype,
        reference_document: docname,
        url,
        user: 'Administrator',
        // `log_request`: `as_json(x) if x else None`, so an empty dict logs as NULL.
        headers: pyTruthy(headers) ? frappeAsJson(pythonHeaders(headers ?? {})) : null,
        data: pyTruthy(data) ? frappeAsJson(data) : null,
        response: response ?? null,
        error: error ?? null,
      }),
    );
  }

  async function deliver(item: Queued, doc: Doc) {
    if (!site.exists('Webhook', item.webhook)) return;
    const webhook = site.getDoc('Webhook', item.webhook);
    const docname = str(doc.name);
    let url = str(webhook.request_url);
    let headers: Record<string, string>;
    let data: unknown;
    let body: string;
    try {
      ({ url, data, body, headers } = webhookRequest(webhook, doc, site.password('Webhook', item.webhook, 'webhook_secret')));
    } catch (err) {
      log(item.webhook, item.doctype, docname, url, undefined, undefined, undefined, String(err));
      return;
    }

    const timeoutMs = (Number(webhook.timeout) || 5) * 1000;
    for (let attempt = 0; attempt < 3 && !stop.signal.aborted; attempt++) {
      const timeout = AbortSignal.timeout(timeoutMs);
      let responseText: string | undefined;
      try {
        // A byte body keeps fetch from adding a Content-Type of its own, as `requests` does with data=str.
        const response = await fetch(url, { method: str(webhook.request_method) || 'POST', headers, body: Buffer.from(body, 'utf8'), signal: AbortSignal.any([timeout, stop.signal]) });
        responseText = await response.text();
        if (!response.ok) throw new Error(`${response.status} ${response.statusText} for url: ${url}`);
        log(item.webhook, item.doctype, docname, url, headers, data, responseText, undefined);
        return;
      } catch (err) {
        if (stop.signal.aborted) return;
        if (timeout.aborted) {
          log(item.webhook, item.doctype, docname, url, headers, data, undefined, `ReadTimeout: ${String(err)}`);
          continue;
        }
        log(item.webhook, item.doctype, docname, url, headers, data, responseText, String(err));
        await sleep((3 * attempt + 1) * 1000 * scale, undefined, { signal: stop.signal }).catch(() => undefined);
      }
    }
  }

  const listener: TransactionListener = {
    event(transaction: Transaction, doctype: string, event: DocEvent, doc: Doc) {
      for (const webhook of site.rows('Webhook')) {
        if (!Number(webhook.enabled) || webhook.webhook_doctype !== doctype || webhook.webhook_docevent !== event) continue;
        if (str(webhook.condition) && !compileCondition(str(webhook.condition))(site.asDict(doctype, doc))) continue;
        if (!queues.has(transaction)) queues.set(transaction, new Map());
        queues.get(transaction)?.set(`${str(webhook.name)}\u0000${str(doc.name)}`, { webhook: str(webhook.name), doctype, doc });
      }
    },
    commit(transaction: Transaction) {
      const items = [...(queues.get(transaction)?.values() ?? [])];
      queues.delete(transaction);
      for (const item of items) {
        // The job sees the document as it was when the request ended.
        const snapshot = withPythonFloats(site, item.doctype, site.asDict(item.doctype, item.doc));
        const job = new Promise<void>((resolve) => setImmediate(resolve))
          .then(() => workers.acquire())
          .then(() => deliver(item, snapshot).finally(() => workers.release()))
          .finally(() => inFlight.delete(job));
        inFlight.add(job);
      }
    },
    rollback(transaction: Transaction) {
      queues.delete(transaction);
    },
  };
  site.addListener(listener);

  return {
    /** Resolves once every queued delivery, retries included, has finished. */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    /** Abandons pending deliveries (sandbox shutdown). */
    close() {
      stop.abort();
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;

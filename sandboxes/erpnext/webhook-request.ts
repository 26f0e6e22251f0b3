import { createHmac } from 'node:crypto';
import { pyJsonDumps, pyJsonLoads } from './py-json';
import { type ChildRow, type Doc, str } from './store';
import { compileTemplate } from './webhook-template';

/**
 * What Frappe's `enqueue_webhook` sends for one Webhook and document: the URL, the body
 * (`json.dumps` of the rendered data) and the headers (`X-Frappe-Webhook-Signature` =
 * base64 HMAC-SHA256 of the body when security is on, then the Webhook's own header rows; no
 * Content-Type unless a row sets one).
 */
export interface WebhookRequest {
  url: string;
  data: unknown;
  body: string;
  headers: Record<string, string>;
}

function webhookData(webhook: Doc, doc: Doc): unknown {
  const rows = (webhook.webhook_data as ChildRow[]) ?? [];
  if (rows.length > 0) return Object.fromEntries(rows.map((r) => [str(r.key), doc[str(r.fieldname)] ?? null]));
  if (str(webhook.webhook_json)) return pyJsonLoads(compileTemplate(str(webhook.webhook_json))({ doc }));
  return {};
}

export function webhookRequest(webhook: Doc, doc: Doc, secret: string | undefined): WebhookRequest {
  const url = Number(webhook.is_dynamic_url) ? compileTemplate(str(webhook.request_url))({ doc }) : str(webhook.request_url);
  const data = webhookData(webhook, doc);
  const body = pyJsonDumps(data);
  const headers: Record<string, string> = {};
  if (Number(webhook.enable_security)) headers['X-Frappe-Webhook-Signature'] = createHmac('sha256', secret ?? '').update(body, 'utf8').digest('base64');
  for (const h of (webhook.webhook_headers as ChildRow[]) ?? []) if (str(h.key) && str(h.value)) headers[str(h.key)] = str(h.value);
  return { url, data, body, headers };
}

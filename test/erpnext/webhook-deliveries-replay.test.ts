import { PyFloat } from '../../sandboxes/erpnext/py-json';
import { webhookRequest } from '../../sandboxes/erpnext/webhook-request';
import { frappeSignatureHeader, verifyFrappeSignature } from '../../src/webhooks/erpnext-contract';
import { loadCaptures, type WebhookDeliveryCapture } from './support/capture-replay';

/**
 * Every real webhook delivery the captured Frappe 15.72 sent (Instructor, Student Group, Sales
 * Invoice, Payment Entry; secret capture-secret-1) is checked twice: the product's own verifier
 * accepts its raw body and signature, and the sandbox's sender, given the same `webhook_json` and
 * the document the body was rendered from, produces the same bytes and the same headers.
 */
const deliveries = loadCaptures().filter((c): c is WebhookDeliveryCapture => c.kind === 'webhook_delivery');

/**
 * The document fields a delivery shows: each `"key": {{ doc.field ... }}` of the template gives
 * doc.field = body[key]; each `"key": [{% for row in doc.table %}…` gives the table's rows, one per
 * item of body[key] (a bare `{{ row.field }}` item, or an object whose keys name `row.field`s).
 * Floats stay Python floats (the body prints `150.0`).
 */
function documentOf(delivery: WebhookDeliveryCapture): Record<string, unknown> {
  const body = delivery.delivery.body_json as Record<string, unknown>;
  const template = delivery.webhook.webhook_json;
  const python = (key: string, value: unknown) => (typeof value === 'number' && new RegExp(`"${key}": -?\\d+\\.\\d`).test(delivery.delivery.body_raw) ? new PyFloat(value) : value);
  const doc: Record<string, unknown> = {};
  for (const [, key, field] of template.matchAll(/"(\w+)": \{\{ doc\.(\w+)/g)) doc[field] = python(key, body[key]);
  for (const [, key, row, table, loopBody] of template.matchAll(/"(\w+)": \[\{% for (\w+) in doc\.(\w+) %\}(.*?)\{% endfor %\}/g)) {
    const rowFields = [...loopBody.matchAll(new RegExp(`"(\\w+)": \\{\\{ ${row}\\.(\\w+)`, 'g'))];
    const bare = loopBody.match(new RegExp(`^\\{\\{ ${row}\\.(\\w+)`))?.[1];
    doc[table] = (body[key] as unknown[]).map((item) =>
      bare ? { [bare]: item } : Object.fromEntries(rowFields.map(([, itemKey, field]) => [field, python(itemKey, (item as Record<string, unknown>)[itemKey])])),
    );
  }
  return doc;
}

describe('real ERPNext webhook deliveries', () => {
  test('there are 40 deliveries, every one signed', () => {
    expect(deliveries).toHaveLength(40);
    for (const d of deliveries) expect(d.signature.header).toBe('X-Frappe-Webhook-Signature');
  });

  test.each(deliveries.map((d) => [d.file, d] as const))('%s: the product verifies its signature over the raw body', (_file, d) => {
    const header = d.delivery.headers.find(([name]) => name.toLowerCase() === frappeSignatureHeader)?.[1];
    expect(verifyFrappeSignature(Buffer.from(d.delivery.body_raw, 'utf8'), header, d.webhook.secret)).toBe(true);
    // A body re-serialised by JSON.stringify (no spaces) no longer verifies: the raw bytes are what count.
    expect(verifyFrappeSignature(Buffer.from(JSON.stringify(d.delivery.body_json), 'utf8'), header, d.webhook.secret)).toBe(false);
  });

  test.each(deliveries.map((d) => [d.file, d] as const))('%s: the sandbox sender produces the same bytes and headers', (_file, d) => {
    const received = Object.fromEntries(d.delivery.headers.map(([name, value]) => [name.toLowerCase(), value]));
    const webhook = {
      webhook_json: d.webhook.webhook_json,
      request_url: d.webhook.request_url,
      enable_security: 1,
      webhook_headers: d.webhook.content_type_header_configured ? [{ key: 'Content-Type', value: received['content-type'] }] : [],
    };
    const sent = webhookRequest(webhook, documentOf(d), d.webhook.secret);
    expect(sent.body).toBe(d.delivery.body_raw);
    expect(sent.headers['X-Frappe-Webhook-Signature']).toBe(d.signature.value);
    expect(sent.headers['Content-Type']).toBe(received['content-type']);
    expect(new URL(sent.url).pathname).toBe(d.delivery.path);
  });
});

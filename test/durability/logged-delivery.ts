import type { ErpnextClient } from '../../src/erpnext/client';
import { frappeSignatureHeader } from '../../src/webhooks/erpnext-contract';
import { pyJsonDumps } from '../../sandboxes/erpnext/py-json';

/*
 * A delivery as anyone who can read Frappe's Webhook Request Log can rebuild it (the replay
 * attacker of issue 10): the log keeps the data as frappe.as_json writes it, keys sorted, and the
 * headers with the signature as bytes, which as_json writes as a list of byte values.
 */

/** The signature a logged delivery carried. */
export function loggedSignature(headersJson: string): string {
  const headers = JSON.parse(headersJson) as Record<string, string | number[]>;
  const value = Object.entries(headers).find(([key]) => key.toLowerCase() === frappeSignatureHeader)?.[1] ?? '';
  return Array.isArray(value) ? Buffer.from(value).toString('utf8') : value;
}

/**
 * The bytes ERPNext signed: the logged data with its keys put back in the order of the Webhook's
 * `webhook_json` (which the Webhook document shows), as Python's json.dumps wrote them.
 */
export async function deliveredBody(erp: ErpnextClient, url: string, dataJson: string): Promise<string> {
  const data = JSON.parse(dataJson) as Record<string, unknown>;
  const [webhook] = await erp.getList('Webhook', { fields: ['webhook_json'], filters: [['request_url', '=', url]], limitPageLength: 1 });
  const order = [...String(webhook?.webhook_json ?? '').matchAll(/"([^"]+)"\s*:/g)].map((match) => match[1]);
  const keys = [...order.filter((key) => key in data), ...Object.keys(data).filter((key) => !order.includes(key))];
  return pyJsonDumps(Object.fromEntries(keys.map((key) => [key, data[key]])));
}

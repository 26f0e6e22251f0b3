import { z } from 'zod';
import type { ErpnextWebhookDelivery } from '../../webhooks/erpnext-contract';
import type { CallOptions, ErpnextClient } from '../client';
import { columns } from '../columns';

/** Check fields are 0/1 integers on the wire. */
const check = z.number().int().min(0).max(1);

/**
 * Frappe's `Webhook` DocType: the delivery fields provisioning compares. `webhook_secret` is a
 * Password field, which Frappe answers with asterisks, so it is not part of what is read.
 */
export const webhookSchema = z.looseObject({
  name: z.string(),
  webhook_doctype: z.string(),
  webhook_docevent: z.string(),
  enabled: check.optional(),
  request_url: z.string(),
  request_method: z.string().optional(),
  request_structure: z.string().optional(),
  webhook_json: z.string().optional(),
  enable_security: check.optional(),
  condition: z.string().nullish(),
  timeout: z.number().int().optional(),
});
export type Webhook = z.infer<typeof webhookSchema>;

/** A list cannot carry child tables, so the header rows are read with the document. */
const webhookHeaderRow = z.looseObject({ key: z.string().nullish(), value: z.string().nullish() });
export const webhookWithHeadersSchema = webhookSchema.extend({ webhook_headers: z.array(webhookHeaderRow).default([]) });
export type WebhookWithHeaders = z.infer<typeof webhookWithHeadersSchema>;

/** The whole schema is the row: every field it names is one provisioning compares. */
const webhookRow = columns(webhookSchema);

/** What a signed JSON Webhook is written with: its delivery, switched on, and the secret Frappe signs with. */
export interface SignedWebhook extends ErpnextWebhookDelivery {
  enabled: 1;
  enable_security: 1;
  webhook_secret: string;
  webhook_headers: { key: string; value: string }[];
}

/** DocType `Webhook`. */
export function createWebhooks(erp: ErpnextClient) {
  const first = async (filters: [string, string, unknown][], call?: CallOptions): Promise<Webhook | undefined> =>
    (await erp.getList('Webhook', { ...webhookRow, filters, orderBy: 'creation asc', limitPageLength: 1 }, call))[0];

  return {
    /** The Webhook of that name, if any. Names are prompted (autoname "prompt"), so the caller chooses them. */
    findByName: (name: string, call?: CallOptions) => first([['name', '=', name]], call),

    /** The oldest Webhook delivering this DocType event to this URL, if any (e.g. one made by hand). */
    findDelivering: (delivery: Pick<ErpnextWebhookDelivery, 'webhook_doctype' | 'webhook_docevent' | 'request_url'>, call?: CallOptions) =>
      first(
        [
          ['webhook_doctype', '=', delivery.webhook_doctype],
          ['webhook_docevent', '=', delivery.webhook_docevent],
          ['request_url', '=', delivery.request_url],
        ],
        call,
      ),

    /** The whole document, header rows included. */
    get: (name: string, call?: CallOptions): Promise<WebhookWithHeaders> => erp.getDoc('Webhook', name, { ...call, schema: webhookWithHeadersSchema }),

    /** `POST /api/resource/Webhook`: the REST insert must carry the name. */
    insert: (name: string, webhook: SignedWebhook, call?: CallOptions): Promise<Webhook> => erp.insert('Webhook', { name, ...webhook }, { ...call, schema: webhookSchema }),

    /** Rewrites every field of `webhook`, the secret included. */
    update: (name: string, webhook: SignedWebhook, call?: CallOptions): Promise<Webhook> => erp.update('Webhook', name, { ...webhook }, { ...call, schema: webhookSchema }),
  };
}

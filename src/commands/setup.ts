import { z } from 'zod';
import { loadConfig } from '../config/env';
import { createErpnextClient, type ErpnextClient } from '../erpnext/client';
import { erpnextWebhookDefinitions, type ErpnextWebhookDefinition } from '../gateway/erpnext-webhook-templates';
import { moodleUserIdField } from '../mapping/student-link';

export type SetupChange = 'created' | 'updated' | 'unchanged';

export interface SetupReport {
  customField: SetupChange;
  webhooks: { doctype: string; event: string; name: string; change: SetupChange }[];
}

const existingWebhook = z.looseObject({
  name: z.string(),
  enabled: z.number().optional(),
  request_method: z.string().optional(),
  request_structure: z.string().optional(),
  request_url: z.string().optional(),
  webhook_json: z.string().optional(),
  enable_security: z.number().optional(),
});

function sameWebhook(existing: z.infer<typeof existingWebhook>, wanted: ErpnextWebhookDefinition): boolean {
  return (
    existing.enabled === 1 &&
    existing.enable_security === 1 &&
    existing.request_url === wanted.request_url &&
    existing.request_method === wanted.request_method &&
    existing.request_structure === wanted.request_structure &&
    existing.webhook_json === wanted.webhook_json
  );
}

/**
 * The ERPNext half of the integration guide, through the REST API: the Custom Field that holds
 * the Moodle user id on Student, and one signed Webhook per trigger. Looks before it writes, so a
 * re-run changes nothing. Frappe never returns a Password field, so a changed secret alone is not
 * detected; `rotateSecret` rewrites it on every Webhook.
 */
export async function setupErpnext(erp: ErpnextClient, options: { gatewayUrl: string; secret: string; rotateSecret?: boolean }): Promise<SetupReport> {
  const fields = await erp.getList('Custom Field', { fields: ['name'], filters: [['dt', '=', moodleUserIdField.dt], ['fieldname', '=', moodleUserIdField.fieldname]], limitPageLength: 1 });
  let customField: SetupChange = 'unchanged';
  if (fields.length === 0) {
    await erp.insert('Custom Field', { ...moodleUserIdField });
    customField = 'created';
  }

  const webhooks: SetupReport['webhooks'] = [];
  for (const wanted of erpnextWebhookDefinitions(options.gatewayUrl)) {
    // Webhook names are prompted (autoname "prompt"): ours are fixed, so a re-run (or a moved
    // gateway) finds them; a hand-made one pointing at this gateway counts too.
    const name = `Campus Bridge ${wanted.webhook_doctype} ${wanted.webhook_docevent}`;
    const fields = ['name', 'enabled', 'request_url', 'request_method', 'request_structure', 'webhook_json', 'enable_security'];
    const [existing] = [
      ...(await erp.getList('Webhook', { fields, filters: [['name', '=', name]], limitPageLength: 1, schema: existingWebhook })),
      ...(await erp.getList('Webhook', {
        fields,
        filters: [['webhook_doctype', '=', wanted.webhook_doctype], ['webhook_docevent', '=', wanted.webhook_docevent], ['request_url', '=', wanted.request_url]],
        orderBy: 'creation asc',
        limitPageLength: 1,
        schema: existingWebhook,
      })),
    ];
    const doc = {
      ...wanted,
      enabled: 1,
      enable_security: 1,
      webhook_secret: options.secret,
      // Frappe sends no Content-Type of its own; the form UI adds this row for JSON bodies.
      webhook_headers: [{ key: 'Content-Type', value: 'application/json' }],
    };
    const report = { doctype: wanted.webhook_doctype, event: wanted.webhook_docevent };
    if (!existing) {
      const created = await erp.insert('Webhook', { name, ...doc });
      webhooks.push({ ...report, name: created.name, change: 'created' });
    } else if (!sameWebhook(existing, wanted) || options.rotateSecret) {
      await erp.update('Webhook', existing.name, doc);
      webhooks.push({ ...report, name: existing.name, change: 'updated' });
    } else {
      webhooks.push({ ...report, name: existing.name, change: 'unchanged' });
    }
  }
  return { customField, webhooks };
}

export interface SetupCommandOptions {
  /** URL at which ERPNext reaches this gateway; default http://127.0.0.1:<GATEWAY_PORT>. */
  gatewayUrl?: string;
  rotateSecret?: boolean;
  env?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
}

/** `campus-bridge setup [--gateway-url URL] [--rotate-secret]`. */
export async function setupCommand(options: SetupCommandOptions = {}): Promise<SetupReport> {
  const config = loadConfig(options.env ?? process.env, { developmentDefaults: true });
  const print = options.print ?? ((line: string) => console.log(line));
  const erp = createErpnextClient({ url: config.ERPNEXT_URL, apiKey: config.ERPNEXT_API_KEY, apiSecret: config.ERPNEXT_API_SECRET });
  const gatewayUrl = options.gatewayUrl ?? `http://127.0.0.1:${config.GATEWAY_PORT}`;
  const report = await setupErpnext(erp, { gatewayUrl, secret: config.ERPNEXT_WEBHOOK_SECRET, rotateSecret: options.rotateSecret });
  print(`Custom Field Student.${moodleUserIdField.fieldname}: ${report.customField}`);
  for (const webhook of report.webhooks) print(`Webhook ${webhook.name} (${webhook.doctype} ${webhook.event}): ${webhook.change}`);
  return report;
}

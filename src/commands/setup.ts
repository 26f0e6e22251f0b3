import { loadConfig } from '../config/env';
import { loadMapping } from '../config/mapping-file';
import { provisionErpnext, type ProvisioningReport } from '../erpnext/provisioning/provision-erpnext';
import { moodleUserIdField } from '../erpnext/resources/students';
import { erpnextClientFrom } from '../wiring/from-config';

export interface SetupCommandOptions {
  /** URL at which ERPNext reaches this gateway; default http://127.0.0.1:<GATEWAY_PORT>. */
  gatewayUrl?: string;
  rotateSecret?: boolean;
  env?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
}

/**
 * A rotation that loses no delivery. Frappe signs each delivery with the secret its Webhook holds
 * when it sends (retries included), so the gateway must accept the new secret before the Webhooks
 * get it, and the old one until the last delivery signed with it has been sent.
 */
export const secretRotationSteps = [
  'On the gateway set ERPNEXT_WEBHOOK_SECRET=<new> and ERPNEXT_WEBHOOK_SECRET_PREVIOUS=<old>, and restart it: it now accepts both.',
  'Run `campus-bridge setup --rotate-secret` with ERPNEXT_WEBHOOK_SECRET=<new>: every Webhook then signs with the new secret.',
  "Wait until ERPNext's background queue has sent what it held (Frappe's three tries end within a minute; check that the newest Webhook Request Logs answer 202).",
  'Remove ERPNEXT_WEBHOOK_SECRET_PREVIOUS from the gateway and restart it: the old secret is refused from then on.',
] as const;

/** `campus-bridge setup [--gateway-url URL] [--rotate-secret]`: ERPNext's Custom Field and signed Webhooks. */
export async function setupCommand(options: SetupCommandOptions = {}): Promise<ProvisioningReport> {
  // Against a real ERPNext: no development defaults, and its secrets are held to production rules.
  const config = loadConfig('setup', options.env ?? process.env);
  const print = options.print ?? ((line: string) => console.log(line));
  const gatewayUrl = options.gatewayUrl ?? `http://127.0.0.1:${config.GATEWAY_PORT}`;
  const report = await provisionErpnext(erpnextClientFrom(config), {
    gatewayUrl,
    secret: config.ERPNEXT_WEBHOOK_SECRET,
    rotateSecret: options.rotateSecret,
    studentCustomFields: Object.keys(loadMapping(config.MAPPING_FILE).customFields),
  });
  print(`Custom Field Student.${moodleUserIdField.fieldname}: ${report.customField}`);
  for (const webhook of report.webhooks) print(`Webhook ${webhook.name} (${webhook.doctype} ${webhook.event}): ${webhook.change}`);
  if (options.rotateSecret) {
    print('Secret rotation, in this order (this command was step 2):');
    secretRotationSteps.forEach((step, i) => print(`  ${i + 1}. ${step}`));
  }
  return report;
}

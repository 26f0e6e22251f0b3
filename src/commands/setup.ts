import { loadConfig } from '../config/env';
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

/** `campus-bridge setup [--gateway-url URL] [--rotate-secret]`: ERPNext's Custom Field and signed Webhooks. */
export async function setupCommand(options: SetupCommandOptions = {}): Promise<ProvisioningReport> {
  const config = loadConfig('setup', options.env ?? process.env, { developmentDefaults: true });
  const print = options.print ?? ((line: string) => console.log(line));
  const gatewayUrl = options.gatewayUrl ?? `http://127.0.0.1:${config.GATEWAY_PORT}`;
  const report = await provisionErpnext(erpnextClientFrom(config), { gatewayUrl, secret: config.ERPNEXT_WEBHOOK_SECRET, rotateSecret: options.rotateSecret });
  print(`Custom Field Student.${moodleUserIdField.fieldname}: ${report.customField}`);
  for (const webhook of report.webhooks) print(`Webhook ${webhook.name} (${webhook.doctype} ${webhook.event}): ${webhook.change}`);
  return report;
}

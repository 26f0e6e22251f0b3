import { erpnextWebhookDeliveries } from '../../webhooks/erpnext-contract';
import type { ErpnextClient } from '../client';
import { createCustomFields } from '../resources/custom-fields';
import { moodleEnrolmentField } from '../resources/sales-invoices';
import { completionDateField } from '../resources/course-enrollment-completions';
import { moodleUserIdField } from '../resources/students';
import { createWebhooks, type SignedWebhook, type WebhookWithHeaders } from '../resources/webhooks';

export type ProvisioningChange = 'created' | 'updated' | 'unchanged';

export interface ProvisioningReport {
  customField: ProvisioningChange;
  webhooks: { doctype: string; event: string; name: string; change: ProvisioningChange }[];
}

export interface ProvisioningOptions {
  /** Where ERPNext reaches the gateway. */
  gatewayUrl: string;
  /** The secret the Webhooks sign with (ERPNEXT_WEBHOOK_SECRET). */
  secret: string;
  /** Rewrite the secret on every Webhook, even one that is otherwise unchanged. */
  rotateSecret?: boolean;
  /** The mapping's custom Student fields: the Student on_update body carries them (student-profile.ts). */
  studentCustomFields?: readonly string[];
}

/** Frappe sends no Content-Type of its own; the form UI adds this row for JSON bodies. */
const jsonHeaders = [{ key: 'Content-Type', value: 'application/json' }];

/**
 * Whether the Webhook already holds every field setup owns (all but the secret, which Frappe
 * never returns): an admin's edit to any of them, the condition, header rows and timeout
 * included, is repaired on the next run.
 */
function holds(existing: WebhookWithHeaders, wanted: SignedWebhook): boolean {
  const headers = (existing.webhook_headers ?? []).map((row) => ({ key: row.key ?? '', value: row.value ?? '' }));
  return (
    existing.enabled === wanted.enabled &&
    existing.enable_security === wanted.enable_security &&
    existing.request_url === wanted.request_url &&
    existing.request_method === wanted.request_method &&
    existing.request_structure === wanted.request_structure &&
    existing.webhook_json === wanted.webhook_json &&
    (existing.condition ?? '') === wanted.condition &&
    existing.timeout === wanted.timeout &&
    JSON.stringify(headers) === JSON.stringify(wanted.webhook_headers)
  );
}

/**
 * The ERPNext half of the integration guide, through the REST API: the Custom Field that holds
 * the Moodle user id on Student, and one signed Webhook per trigger of the webhook contract.
 * Looks before it writes, so a re-run changes nothing. Frappe never returns a Password field, so
 * a changed secret alone is not detected; `rotateSecret` rewrites it on every Webhook.
 */
export async function provisionErpnext(erp: ErpnextClient, options: ProvisioningOptions): Promise<ProvisioningReport> {
  const customFields = createCustomFields(erp);
  let customField: ProvisioningChange = 'unchanged';
  // The Moodle user id on Student; the billed Moodle enrolment on Sales Invoice (paid electives); the completion date on Course Enrollment.
  for (const field of [moodleUserIdField, moodleEnrolmentField, completionDateField]) {
    if (!(await customFields.exists(field))) {
      await customFields.insert({ ...field });
      customField = 'created';
    }
  }

  const webhooks = createWebhooks(erp);
  const report: ProvisioningReport['webhooks'] = [];
  for (const wanted of erpnextWebhookDeliveries(options.gatewayUrl, { studentCustomFields: options.studentCustomFields })) {
    // Ours have fixed names, so a re-run (or a moved gateway) finds them; a hand-made one
    // delivering to this gateway counts too.
    const name = `Campus Bridge ${wanted.webhook_doctype} ${wanted.webhook_docevent}`;
    const found = (await webhooks.findByName(name)) ?? (await webhooks.findDelivering(wanted));
    const existing = found && (await webhooks.get(found.name));
    const signed: SignedWebhook = { ...wanted, enabled: 1, enable_security: 1, webhook_secret: options.secret, webhook_headers: jsonHeaders };
    const trigger = { doctype: wanted.webhook_doctype, event: wanted.webhook_docevent };
    if (!existing) {
      const created = await webhooks.insert(name, signed);
      report.push({ ...trigger, name: created.name, change: 'created' });
    } else if (!holds(existing, signed) || options.rotateSecret) {
      await webhooks.update(existing.name, signed);
      report.push({ ...trigger, name: existing.name, change: 'updated' });
    } else {
      report.push({ ...trigger, name: existing.name, change: 'unchanged' });
    }
  }
  return { customField, webhooks: report };
}

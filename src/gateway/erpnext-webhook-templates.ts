import { erpnextTriggers, type ErpnextTriggerSlug } from './erpnext-webhook-bodies';

/** The Webhook document (Frappe `Webhook` DocType) that delivers one trigger to this gateway. */
export interface ErpnextWebhookDefinition {
  webhook_doctype: string;
  webhook_docevent: string;
  request_url: string;
  request_method: 'POST';
  request_structure: 'JSON';
  /** Jinja rendered by Frappe with `doc` (a dict); must render valid JSON. */
  webhook_json: string;
}

/**
 * Plain `{{ doc.field }}` substitutions inside JSON strings, the form Frappe's documentation uses:
 * the values are document names and links, which carry no quotes.
 */
const bodyTemplates: Record<ErpnextTriggerSlug, string> = {
  student: '{"doctype": "Student", "name": "{{ doc.name }}"}',
  'program-enrollment': '{"doctype": "Program Enrollment", "name": "{{ doc.name }}", "student": "{{ doc.student }}", "program": "{{ doc.program }}"}',
  'course-enrollment': '{"doctype": "Course Enrollment", "name": "{{ doc.name }}", "student": "{{ doc.student }}", "course": "{{ doc.course }}"}',
};

/** Every Webhook document the gateway needs, pointing at `gatewayUrl`. */
export function erpnextWebhookDefinitions(gatewayUrl: string): ErpnextWebhookDefinition[] {
  const base = gatewayUrl.replace(/\/+$/, '');
  return (Object.keys(erpnextTriggers) as ErpnextTriggerSlug[]).flatMap((slug) =>
    erpnextTriggers[slug].events.map((event) => ({
      webhook_doctype: erpnextTriggers[slug].doctype,
      webhook_docevent: event,
      request_url: `${base}/webhooks/erpnext/${slug}/${event}`,
      request_method: 'POST' as const,
      request_structure: 'JSON' as const,
      webhook_json: bodyTemplates[slug],
    })),
  );
}

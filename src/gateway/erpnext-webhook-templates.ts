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
 * Values go through Jinja's `tojson` filter (in Frappe's Jinja environment and the sandbox's
 * subset), so a name with a quote still renders valid JSON. The space before the closing brace
 * keeps `}}` and `}` apart for any template lexer.
 */
const bodyTemplates: Record<ErpnextTriggerSlug, string> = {
  student: '{"doctype": "Student", "name": {{ doc.name | tojson }} }',
  'program-enrollment': '{"doctype": "Program Enrollment", "name": {{ doc.name | tojson }}, "student": {{ doc.student | tojson }}, "program": {{ doc.program | tojson }} }',
  'course-enrollment': '{"doctype": "Course Enrollment", "name": {{ doc.name | tojson }}, "student": {{ doc.student | tojson }}, "course": {{ doc.course | tojson }}, "program_enrollment": {{ doc.program_enrollment | tojson }} }',
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

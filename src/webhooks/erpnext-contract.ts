import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/*
 * The contract between ERPNext's Webhook documents and the gateway, in one place: which triggers
 * exist, where each is delivered, the JSON body its template renders and the route parses, and
 * the signature over it. The provisioner (`src/erpnext/provisioning/`) writes the Webhooks from
 * this module and the receiver (`src/gateway/routes/webhooks-erpnext.ts`) checks what arrives
 * against it, so the two cannot drift apart.
 */

const docName = z.string().trim().min(1, 'expected the document name');

/**
 * A body is only a trigger: workflows re-read the document. Extra keys are accepted so a
 * hand-made Webhook sending the whole document works too.
 */
const studentWebhookBody = z.looseObject({
  doctype: z.literal('Student'),
  name: docName,
});

const programEnrollmentWebhookBody = z.looseObject({
  doctype: z.literal('Program Enrollment'),
  name: docName,
  student: docName,
  program: docName,
});

/** Course Enrollment carries its links because after on_trash there is nothing left to re-read. */
const courseEnrollmentWebhookBody = z.looseObject({
  doctype: z.literal('Course Enrollment'),
  name: docName,
  student: docName,
  course: docName,
  program_enrollment: docName,
});

export type ErpnextWebhookBody =
  | z.infer<typeof studentWebhookBody>
  | z.infer<typeof programEnrollmentWebhookBody>
  | z.infer<typeof courseEnrollmentWebhookBody>;

/**
 * The triggers, by URL slug: DocType, events, the body the route parses and the Jinja template
 * (Frappe renders it with `doc`) that produces it. Values go through Jinja's `tojson` filter, so a
 * name with a quote still renders valid JSON; the space before the closing brace keeps `}}` and
 * `}` apart for any template lexer.
 */
export const erpnextTriggers = {
  student: {
    doctype: 'Student',
    events: ['after_insert', 'on_update'],
    body: studentWebhookBody,
    template: '{"doctype": "Student", "name": {{ doc.name | tojson }} }',
  },
  'program-enrollment': {
    doctype: 'Program Enrollment',
    events: ['on_submit', 'on_cancel'],
    body: programEnrollmentWebhookBody,
    template: '{"doctype": "Program Enrollment", "name": {{ doc.name | tojson }}, "student": {{ doc.student | tojson }}, "program": {{ doc.program | tojson }} }',
  },
  'course-enrollment': {
    doctype: 'Course Enrollment',
    events: ['after_insert', 'on_trash'],
    body: courseEnrollmentWebhookBody,
    template:
      '{"doctype": "Course Enrollment", "name": {{ doc.name | tojson }}, "student": {{ doc.student | tojson }}, "course": {{ doc.course | tojson }}, "program_enrollment": {{ doc.program_enrollment | tojson }} }',
  },
} as const;

export type ErpnextTriggerSlug = keyof typeof erpnextTriggers;

/** The gateway's one route for every trigger: `:doctype` is the trigger's slug, `:event` one of its events. */
export const erpnextWebhookRoute = '/webhooks/erpnext/:doctype/:event';
const erpnextWebhookPath = (slug: ErpnextTriggerSlug, event: string) => erpnextWebhookRoute.replace(':doctype', slug).replace(':event', event);

/** The delivery settings of the Webhook document (Frappe `Webhook` DocType) for one trigger. */
export interface ErpnextWebhookDelivery {
  webhook_doctype: string;
  webhook_docevent: string;
  request_url: string;
  request_method: 'POST';
  request_structure: 'JSON';
  /** Jinja rendered by Frappe with `doc` (a dict); must render valid JSON. */
  webhook_json: string;
}

/** Every Webhook delivery the gateway needs, pointing at `gatewayUrl`. */
export function erpnextWebhookDeliveries(gatewayUrl: string): ErpnextWebhookDelivery[] {
  const base = gatewayUrl.replace(/\/+$/, '');
  return (Object.keys(erpnextTriggers) as ErpnextTriggerSlug[]).flatMap((slug) =>
    erpnextTriggers[slug].events.map((event) => ({
      webhook_doctype: erpnextTriggers[slug].doctype,
      webhook_docevent: event,
      request_url: `${base}${erpnextWebhookPath(slug, event)}`,
      request_method: 'POST' as const,
      request_structure: 'JSON' as const,
      webhook_json: erpnextTriggers[slug].template,
    })),
  );
}

/**
 * The header a real Frappe delivery carries its signature in (`X-Frappe-Webhook-Signature`, with
 * no Content-Type unless the Webhook adds one: ERPNext capture 186); Node lower-cases header names.
 */
export const frappeSignatureHeader = 'x-frappe-webhook-signature';

/**
 * Frappe's webhook signature: base64(HMAC-SHA256(secret, body)), over the exact bytes it sends
 * (`json.dumps(data)`, capture 186 recomputes it), so callers must pass the raw body, never
 * re-serialised JSON.
 */
export function frappeSignature(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/** Checks a signature header against the raw body in constant time. */
export function verifyFrappeSignature(rawBody: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || header.length === 0) return false;
  const expected = Buffer.from(frappeSignature(rawBody, secret), 'base64');
  const given = Buffer.from(header.trim(), 'base64');
  // Length is public (always 32 bytes for SHA-256), so checking it first leaks nothing.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { studentProfileFields } from './student-profile';

/*
 * The contract between ERPNext's Webhook documents and the gateway, in one place: which triggers
 * exist, where each is delivered, the JSON body its template renders and the route parses, and
 * the signature over it. The provisioner (`src/erpnext/provisioning/`) writes the Webhooks from
 * this module and the receiver (`src/gateway/routes/webhooks-erpnext.ts`) checks what arrives
 * against it, so the two cannot drift apart.
 */

/**
 * A document name as Frappe allows it: its `name` column is varchar(140) (frappe/database schema,
 * from Frappe's source) and names are typed or generated text, never control characters. Anything
 * else is refused with 400 before it becomes a workflow id.
 */
const docName = z
  .string()
  .trim()
  .min(1, 'expected the document name')
  .max(140, 'expected a document name of at most 140 characters')
  // C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
  .regex(/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/, 'expected a document name without control characters');

/** Frappe's `modified` as `tojson` renders it: `2026-12-01 08:55:13.393763` (capture 292). */
const frappeTimestamp = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/, 'expected the document\'s modified time, YYYY-MM-DD HH:MM:SS.ffffff');

/**
 * What binds a body to one event of one version of the document. Frappe signs only the body and
 * the route names the event, so without these an on_submit body (readable in the Webhook Request
 * Log) could be posted to the on_cancel route. The receiver refuses a body whose `event` is not
 * its route's; `modified` tells two deliveries of the same event apart (see the withdraw id).
 */
const boundToEvent = { event: z.string().min(1, 'expected the event the Webhook fires on'), modified: frappeTimestamp };

/**
 * A body is only a trigger: workflows re-read the document. Extra keys are accepted so a
 * hand-made Webhook sending more of the document works too.
 */
const studentWebhookBody = z.looseObject({
  doctype: z.literal('Student'),
  name: docName,
  ...boundToEvent,
});

const programEnrollmentWebhookBody = z.looseObject({
  doctype: z.literal('Program Enrollment'),
  name: docName,
  student: docName,
  program: docName,
  ...boundToEvent,
});

/** Course Enrollment carries its links because after on_trash there is nothing left to re-read. */
const courseEnrollmentWebhookBody = z.looseObject({
  doctype: z.literal('Course Enrollment'),
  name: docName,
  student: docName,
  course: docName,
  program_enrollment: docName,
  ...boundToEvent,
});

/**
 * Sales Invoice `on_change` is the only event a submitted Payment Entry fires on the invoice, and
 * it carries the new outstanding amount (captures 264, 270; status and outstanding are written by
 * db_set, so on_update/on_submit never see a payment). `custom_moodle_enrolment` names the elective
 * seat the invoice bills (null for other invoices), `student` the Student (null for a plain
 * Customer's invoice). The receiver only wakes the waiting workflow, which re-reads the invoice.
 */
const salesInvoiceWebhookBody = z.looseObject({
  doctype: z.literal('Sales Invoice'),
  name: docName,
  student: docName.nullable(),
  custom_moodle_enrolment: z.string().max(140).nullable(),
  docstatus: z.number().int().min(0).max(2),
  outstanding_amount: z.number(),
  ...boundToEvent,
});

/**
 * The roster DocTypes (issue 13): a save of any of them provisions what it touches; the body names
 * the document (a Course Schedule its Student Group too) and the run re-reads ERPNext. `on_update`
 * alone: Frappe runs it after an insert as well as after a save.
 */
const rosterWebhookBody = <Doctype extends string>(doctype: Doctype) => z.looseObject({ doctype: z.literal(doctype), name: docName, ...boundToEvent });
const courseScheduleWebhookBody = z.looseObject({ doctype: z.literal('Course Schedule'), name: docName, student_group: docName, ...boundToEvent });
const studentGroupWebhookBody = rosterWebhookBody('Student Group');
const instructorWebhookBody = rosterWebhookBody('Instructor');
const courseWebhookBody = rosterWebhookBody('Course');
const programWebhookBody = rosterWebhookBody('Program');

export type RosterWebhookBody =
  | z.infer<typeof studentGroupWebhookBody>
  | z.infer<typeof instructorWebhookBody>
  | z.infer<typeof courseWebhookBody>
  | z.infer<typeof programWebhookBody>
  | z.infer<typeof courseScheduleWebhookBody>;

export type ErpnextWebhookBody =
  | RosterWebhookBody
  | z.infer<typeof studentWebhookBody>
  | z.infer<typeof programEnrollmentWebhookBody>
  | z.infer<typeof courseEnrollmentWebhookBody>
  | z.infer<typeof salesInvoiceWebhookBody>;

/** The triggers, by URL slug: DocType, events, the document fields the body carries besides its name, and the body the route parses. */
export const erpnextTriggers = {
  student: { doctype: 'Student', events: ['after_insert', 'on_update'], links: [], body: studentWebhookBody },
  'program-enrollment': { doctype: 'Program Enrollment', events: ['on_submit', 'on_cancel'], links: ['student', 'program'], body: programEnrollmentWebhookBody },
  'course-enrollment': {
    doctype: 'Course Enrollment',
    events: ['after_insert', 'on_trash'],
    links: ['student', 'course', 'program_enrollment'],
    body: courseEnrollmentWebhookBody,
  },
  'sales-invoice': {
    doctype: 'Sales Invoice',
    events: ['on_change'],
    links: ['student', 'custom_moodle_enrolment', 'docstatus', 'outstanding_amount'],
    body: salesInvoiceWebhookBody,
  },
  'student-group': { doctype: 'Student Group', events: ['on_update'], links: [], body: studentGroupWebhookBody },
  instructor: { doctype: 'Instructor', events: ['on_update'], links: [], body: instructorWebhookBody },
  course: { doctype: 'Course', events: ['on_update'], links: [], body: courseWebhookBody },
  program: { doctype: 'Program', events: ['on_update'], links: [], body: programWebhookBody },
  'course-schedule': { doctype: 'Course Schedule', events: ['on_update'], links: ['student_group'], body: courseScheduleWebhookBody },
} as const;

export type ErpnextTriggerSlug = keyof typeof erpnextTriggers;

/**
 * The Jinja template (Frappe renders it with `doc`) of one trigger's event, e.g.
 * `{"doctype": "Student", "event": "on_update", "name": {{ doc.name | tojson }}, "modified": {{ doc.modified | tojson }} }`.
 * The event is a literal, so each Webhook document signs its own event into the body. Values go
 * through Jinja's `tojson` filter, so a name with a quote still renders valid JSON; the space
 * before the closing brace keeps `}}` and `}` apart for any template lexer.
 */
export function erpnextWebhookTemplate(slug: ErpnextTriggerSlug, event: string, extraFields: readonly string[] = []): string {
  const { doctype, links } = erpnextTriggers[slug];
  const fields = ['name', ...links, ...extraFields, 'modified'].map((field) => `"${field}": {{ doc.${field} | tojson }}`);
  return `{"doctype": "${doctype}", "event": "${event}", ${fields.join(', ')} }`;
}

export interface ErpnextWebhookOptions {
  /** The mapping's custom Student fields (`customFields` keys): part of the profile Moodle mirrors. */
  studentCustomFields?: readonly string[];
}

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
  /** None: every document of the DocType is the bridge's business (a condition would hide events). */
  condition: '';
  /** Seconds per try: Frappe's default, above the gateway's 3 s answer bound. */
  timeout: number;
}

/** How long the gateway may take to answer a delivery, well inside the Webhook's `timeout`. */
export const erpnextWebhookAnswerMs = 3_000;
const webhookTimeoutSeconds = 5;

/** Every Webhook delivery the gateway needs, pointing at `gatewayUrl`. */
export function erpnextWebhookDeliveries(gatewayUrl: string, options: ErpnextWebhookOptions = {}): ErpnextWebhookDelivery[] {
  const base = gatewayUrl.replace(/\/+$/, '');
  const profileFields = studentProfileFields(options.studentCustomFields);
  // A Student save carries the fields Moodle mirrors, so a save that changed none of them is
  // recognised from the body alone (see student-profile.ts).
  const extraFields = (slug: ErpnextTriggerSlug, event: string) => (slug === 'student' && event === 'on_update' ? profileFields : []);
  return (Object.keys(erpnextTriggers) as ErpnextTriggerSlug[]).flatMap((slug) =>
    erpnextTriggers[slug].events.map((event) => ({
      webhook_doctype: erpnextTriggers[slug].doctype,
      webhook_docevent: event,
      request_url: `${base}${erpnextWebhookPath(slug, event)}`,
      request_method: 'POST' as const,
      request_structure: 'JSON' as const,
      webhook_json: erpnextWebhookTemplate(slug, event, extraFields(slug, event)),
      condition: '' as const,
      timeout: webhookTimeoutSeconds,
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

/**
 * Exactly what Frappe sends: canonical standard base64 (not base64url) of the 32-byte HMAC-SHA256,
 * padding included. The 43rd character carries 2 unused bits, which canonical base64 leaves zero.
 */
const signatureShape = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/**
 * Checks a signature header against the raw body in constant time. Strict: one header (Node joins
 * repeated ones with ", ", which then fails the shape), standard base64 of exactly 32 bytes, no
 * whitespace or trailing text; Buffer's lenient decoder would otherwise accept `<sig>, garbage`
 * or base64url.
 */
export function verifyFrappeSignature(rawBody: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !signatureShape.test(header)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(header, 'base64'), expected);
}

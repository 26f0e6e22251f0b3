import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import type { LifecyclePolicy } from '../../mapping/lifecycle-policy';
import { startLifecycleWorkflow, type LifecycleEvent, type StartedLifecycleWorkflow } from '../../starters/lifecycle-events';
import { signalInvoiceChange } from '../../starters/invoice-changes';
import { mappingSchema } from '../../config/mapping-file';
import { rosterDefaults, startRosterTrigger, type RosterDefaults } from '../../starters/roster-events';
import { rosterDoctypes, type RosterDoctype } from '../../common/roster-ids';
import {
  erpnextTriggers,
  erpnextWebhookAnswerMs,
  erpnextWebhookRoute,
  frappeSignatureHeader,
  verifyFrappeSignature,
  type ErpnextTriggerSlug,
  type ErpnextWebhookBody,
  type RosterWebhookBody,
} from '../../webhooks/erpnext-contract';
import { studentProfileFields, webhookProfileFingerprint } from '../../webhooks/student-profile';
import { AcceptedDeliveries } from '../accepted-deliveries';
import { callTemporalWithin, TemporalTimedOut } from '../temporal-within';
import { refusedAsInvalid } from '../../temporal/refused-as-invalid';

export interface ErpnextWebhookRoutesOptions {
  temporal: Client;
  /**
   * The secrets a delivery may be signed with: ERPNEXT_WEBHOOK_SECRET, then during a rotation
   * ERPNEXT_WEBHOOK_SECRET_PREVIOUS. Frappe signs with whatever its Webhook document holds when it
   * delivers, so for a while both arrive.
   */
  secrets: readonly string[];
  policy: LifecyclePolicy;
  /** What roster provisioning runs take from the mapping file (Student Group, Instructor, Course, Program, Course Schedule triggers). */
  roster?: RosterDefaults;
  /** The Student fields Moodle mirrors (studentProfileFields of the mapping's custom fields); the standard ones by default. */
  studentProfileFields?: readonly string[];
  /** Bound on the whole start, answer included; defaults to the contract's 3 s. */
  answerWithinMs?: number;
  /** How many accepted once-only deliveries this gateway remembers, and for how long (accepted-deliveries.ts). */
  acceptedDeliveries?: { capacity: number; ttlMs: number };
}

/**
 * Frappe repeats a delivery within seconds when our answer was lost; a minute covers that, and
 * 10,000 keys of about a hundred bytes each are about a megabyte.
 */
const acceptedDeliveriesDefaults = { capacity: 10_000, ttlMs: 60_000 };

function eventOf(body: Exclude<ErpnextWebhookBody, RosterWebhookBody | { doctype: 'Sales Invoice' }>, docEvent: string, profileFields: readonly string[]): LifecycleEvent {
  switch (body.doctype) {
    case 'Student':
      return docEvent === 'after_insert'
        ? { kind: 'student-created', student: body.name }
        : { kind: 'student-updated', student: body.name, profileFingerprint: webhookProfileFingerprint(body, profileFields) };
    case 'Program Enrollment':
      return {
        ...(docEvent === 'on_submit' ? { kind: 'program-enrollment-submitted' as const } : { kind: 'program-enrollment-cancelled' as const, modified: body.modified }),
        programEnrollment: body.name,
        student: body.student,
        program: body.program,
      };
    case 'Course Enrollment':
      return {
        kind: docEvent === 'after_insert' ? 'course-enrollment-created' : 'course-enrollment-deleted',
        courseEnrollment: body.name,
        student: body.student,
        course: body.course,
        programEnrollment: body.program_enrollment,
      };
  }
}

function isRoster(body: ErpnextWebhookBody): body is RosterWebhookBody {
  return (rosterDoctypes as readonly string[]).includes(body.doctype);
}

function rosterStart(options: ErpnextWebhookRoutesOptions, body: RosterWebhookBody) {
  const studentGroup = body.doctype === 'Course Schedule' ? body.student_group : undefined;
  // Without the mapping's roster section (a gateway built for the lifecycle alone), the defaults.
  const defaults = options.roster ?? rosterDefaults(mappingSchema.parse({}));
  return startRosterTrigger(options.temporal, defaults, body.doctype as RosterDoctype, { name: body.name, modified: body.modified, studentGroup });
}

function isTrigger(slug: string): slug is ErpnextTriggerSlug {
  return Object.hasOwn(erpnextTriggers, slug);
}

/**
 * `POST /webhooks/erpnext/<doctype-slug>/<event>`: Frappe webhooks in, workflow starts out.
 * Frappe gives each try 5 s and tries three times within seconds, then drops the event, so the
 * answer comes within 3 s: 202 once Temporal holds the start, 503 with Retry-After when it
 * cannot say so in time, 400 when the server refuses the start as invalid (retrying cannot help).
 * Order matters: signature over the raw bytes (401), then JSON, schema and event binding (400),
 * then start.
 */
export const erpnextWebhookRoutes: FastifyPluginAsync<ErpnextWebhookRoutesOptions> = async (app, options) => {
  const answerWithinMs = options.answerWithinMs ?? erpnextWebhookAnswerMs;
  // What is left once the body is read and checked goes to Temporal, with room to answer.
  const startWithinMs = Math.max(answerWithinMs - 500, 100);
  const inFlight = new Set<Promise<unknown>>();
  const profileFields = options.studentProfileFields ?? studentProfileFields();
  const { capacity, ttlMs } = options.acceptedDeliveries ?? acceptedDeliveriesDefaults;
  const accepted = new AcceptedDeliveries<StartedLifecycleWorkflow>(capacity, ttlMs);
  app.addHook('onClose', async () => {
    await Promise.all(inFlight);
  });

  // Frappe sends no Content-Type and signs the exact bytes, so this scope keeps every body raw.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post<{ Params: { doctype: string; event: string }; Body: Buffer | undefined }>(erpnextWebhookRoute, async (request, reply) => {
    const { doctype: slug, event: docEvent } = request.params;
    if (!isTrigger(slug) || !(erpnextTriggers[slug].events as readonly string[]).includes(docEvent)) {
      return reply.code(404).send({ error: `no ERPNext webhook at ${slug}/${docEvent}` });
    }
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const signature = request.headers[frappeSignatureHeader];
    if (!options.secrets.some((secret) => verifyFrappeSignature(raw, signature, secret))) {
      return reply.code(401).send({ error: `missing or invalid ${frappeSignatureHeader}` });
    }
    // A verified signature names the exact bytes, so the same one on the same route is the same
    // delivery: if this gateway saw Temporal take it, the answer is known without asking again.
    const deliveryKey = `${slug}/${docEvent} ${String(signature)}`;
    const remembered = accepted.answerFor(deliveryKey);
    if (remembered) {
      request.log.info({ workflowId: remembered.workflowId, duplicate: remembered.duplicate, remembered: true }, 'ERPNext webhook accepted');
      return reply.code(202).send(remembered);
    }

    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply.code(400).send({ error: 'body is not JSON' });
    }
    const trigger = erpnextTriggers[slug];
    const parsed = trigger.body.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
      return reply.code(400).send({ error: `invalid ${trigger.doctype} webhook body: ${problems.join('; ')}` });
    }

    if (parsed.data.event !== docEvent) {
      // A signed body replayed to another event's route (e.g. an on_submit body to on_cancel).
      return reply.code(400).send({ error: `the body is for ${trigger.doctype} ${parsed.data.event}, not ${docEvent}` });
    }

    const body = parsed.data;
    // A profile save is a signal each time, to the run the profile has now: only once-only
    // starts are remembered.
    let accept: () => Promise<StartedLifecycleWorkflow>;
    let onceOnly = false;
    if (isRoster(body)) accept = () => rosterStart(options, body);
    // An invoice change starts nothing: it wakes the run waiting for the payment.
    else if (body.doctype === 'Sales Invoice') {
      accept = () => signalInvoiceChange(options.temporal, { invoice: body.name, student: body.student, moodleEnrolment: body.custom_moodle_enrolment, docstatus: body.docstatus, outstanding: body.outstanding_amount });
    } else {
      const event = eventOf(body, docEvent, profileFields);
      onceOnly = event.kind !== 'student-updated';
      accept = () => startLifecycleWorkflow(options.temporal, event, options.policy);
    }
    let started: StartedLifecycleWorkflow;
    try {
      // A start that outlives the bound may still land: Frappe's next try then joins it as a duplicate.
      started = await callTemporalWithin(options.temporal, startWithinMs, inFlight, accept);
    } catch (err) {
      if (refusedAsInvalid(err)) {
        request.log.warn({ err, doctype: trigger.doctype, docEvent }, 'Temporal refused the start of an ERPNext webhook as invalid');
        return reply.code(400).send({ error: 'Temporal refused the workflow start as invalid (e.g. a document name too long for a workflow id)' });
      }
      const timedOut = err instanceof TemporalTimedOut;
      request.log.error(timedOut ? { cause: err.message, doctype: trigger.doctype, docEvent } : { err, doctype: trigger.doctype, docEvent }, 'could not start the workflow for an ERPNext webhook');
      return reply.code(503).header('retry-after', '5').send({ error: 'the workflow could not be started; retry' });
    }
    if (onceOnly) accepted.remember(deliveryKey, started);
    request.log.info({ workflowId: started.workflowId, duplicate: started.duplicate }, 'ERPNext webhook accepted');
    return reply.code(202).send(started);
  });
};

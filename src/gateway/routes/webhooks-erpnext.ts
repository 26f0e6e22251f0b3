import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import type { LifecyclePolicy } from '../../mapping/lifecycle-policy';
import { startLifecycleWorkflow, type LifecycleEvent } from '../../starters/lifecycle-events';
import { erpnextTriggers, erpnextWebhookRoute, frappeSignatureHeader, verifyFrappeSignature, type ErpnextTriggerSlug, type ErpnextWebhookBody } from '../../webhooks/erpnext-contract';

export interface ErpnextWebhookRoutesOptions {
  temporal: Client;
  /** The secret set on the ERPNext Webhook documents (ERPNEXT_WEBHOOK_SECRET). */
  secret: string;
  policy: LifecyclePolicy;
}

function eventOf(body: ErpnextWebhookBody, docEvent: string): LifecycleEvent {
  switch (body.doctype) {
    case 'Student':
      return { kind: docEvent === 'after_insert' ? 'student-created' : 'student-updated', student: body.name };
    case 'Program Enrollment':
      return {
        kind: docEvent === 'on_submit' ? 'program-enrollment-submitted' : 'program-enrollment-cancelled',
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

function isTrigger(slug: string): slug is ErpnextTriggerSlug {
  return Object.hasOwn(erpnextTriggers, slug);
}

/**
 * `POST /webhooks/erpnext/<doctype-slug>/<event>`: Frappe webhooks in, workflow starts out.
 * Frappe tries three times within seconds and then drops the event, so the answer is fast and
 * 202 comes only once Temporal holds the start; a Temporal outage answers 503 so Frappe retries.
 * Order matters: signature over the raw bytes (401), then JSON and schema (400), then start.
 */
export const erpnextWebhookRoutes: FastifyPluginAsync<ErpnextWebhookRoutesOptions> = async (app, options) => {
  // Frappe sends no Content-Type and signs the exact bytes, so this scope keeps every body raw.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post<{ Params: { doctype: string; event: string }; Body: Buffer | undefined }>(erpnextWebhookRoute, async (request, reply) => {
    const { doctype: slug, event: docEvent } = request.params;
    if (!isTrigger(slug) || !(erpnextTriggers[slug].events as readonly string[]).includes(docEvent)) {
      return reply.code(404).send({ error: `no ERPNext webhook at ${slug}/${docEvent}` });
    }
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!verifyFrappeSignature(raw, request.headers[frappeSignatureHeader], options.secret)) {
      return reply.code(401).send({ error: `missing or invalid ${frappeSignatureHeader}` });
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

    const event = eventOf(parsed.data, docEvent);
    try {
      const started = await startLifecycleWorkflow(options.temporal, event, options.policy);
      request.log.info({ workflowId: started.workflowId, duplicate: started.duplicate }, 'ERPNext webhook accepted');
      return reply.code(202).send(started);
    } catch (err) {
      request.log.error({ err, doctype: trigger.doctype, docEvent }, 'could not start the workflow for an ERPNext webhook');
      return reply.code(503).header('retry-after', '1').send({ error: 'the workflow could not be started; retry' });
    }
  });
};

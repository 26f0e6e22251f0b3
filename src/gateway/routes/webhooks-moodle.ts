import type { Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import type { ElectivesPolicy } from '../../mapping/electives';
import { startElectiveWorkflow, type StartedElectiveWorkflow } from '../../starters/elective-events';
import {
  createReplayGuard,
  describeIssues,
  enrolmentCreatedEvent,
  handledMoodleEvents,
  moodleEnrolmentEvent,
  moodleEventFields,
  moodleWebhookRoute,
  tokenMatches,
  verifyStandardWebhook,
  type MoodleWebhookAuth,
} from '../../webhooks/moodle-contract';

export interface MoodleWebhookRoutesOptions {
  temporal: Client;
  /** MOODLE_WEBHOOK_AUTH: which plugin sends, hence how a delivery authenticates. */
  auth: MoodleWebhookAuth;
  /** MOODLE_WEBHOOK_SECRET (and a previous one during a rotation). */
  secrets: readonly string[];
  policy: ElectivesPolicy;
  /** Standard Webhooks timestamp tolerance; the spec suggests 5 minutes. */
  toleranceSeconds?: number;
  /** Bound on Temporal's answer, as for ERPNext's webhooks. */
  answerWithinMs?: number;
}

const defaultToleranceSeconds = 300;

/**
 * `POST /webhooks/moodle`: a Moodle enrolment event in, the seat's invoiceElective start (or the
 * unenrolment signal) out. Order: authenticate (401: signature, stale timestamp, or token), JSON
 * and the event schema (400 naming the field), then the start; 202 with the workflow id once
 * Temporal holds it, 503 when it cannot say so in time. Events the bridge does not act on, and a
 * Standard Webhooks id already accepted, are answered 202 without a start.
 */
export const moodleWebhookRoutes: FastifyPluginAsync<MoodleWebhookRoutesOptions> = async (app, options) => {
  const toleranceSeconds = options.toleranceSeconds ?? defaultToleranceSeconds;
  const answerWithinMs = options.answerWithinMs ?? 3_000;
  const replays = createReplayGuard(toleranceSeconds);

  // Standard Webhooks signs the exact bytes, so this scope keeps every body raw.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post<{ Body: Buffer | undefined }>(moodleWebhookRoute, async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const nowSeconds = Math.floor(Date.now() / 1000);
    let webhookId: string | undefined;
    if (options.auth === 'standard-webhooks') {
      const check = verifyStandardWebhook(raw, request.headers, options.secrets, nowSeconds, toleranceSeconds);
      if (!check.ok) return reply.code(401).send({ error: check.reason });
      if (replays.seen(check.id)) return reply.code(202).send({ duplicate: true, ignored: 'webhook-id already accepted' });
      webhookId = check.id;
    }

    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply.code(400).send({ error: 'body is not JSON' });
    }
    if (options.auth === 'local_webhooks') {
      // local_webhooks authenticates with the hook's token in the body: nothing else is trusted before it.
      const token = json !== null && typeof json === 'object' ? (json as { token?: unknown }).token : undefined;
      if (!options.secrets.some((secret) => tokenMatches(token, secret))) return reply.code(401).send({ error: 'missing or invalid token' });
    }
    const flattened = moodleEventFields(options.auth, json);
    if ('problem' in flattened) return reply.code(400).send({ error: `invalid Moodle webhook body: ${flattened.problem}` });
    if (!handledMoodleEvents.includes(String(flattened.fields.eventname))) {
      return reply.code(202).send({ ignored: `event ${String(flattened.fields.eventname)} is not one Campus Bridge acts on` });
    }
    const parsed = moodleEnrolmentEvent.safeParse(flattened.fields);
    if (!parsed.success) return reply.code(400).send({ error: `invalid Moodle ${String(flattened.fields.eventname)} event: ${describeIssues(parsed.error)}` });
    const event = parsed.data;

    let started: StartedElectiveWorkflow;
    try {
      started = await options.temporal.connection.withDeadline(Date.now() + answerWithinMs, () =>
        startElectiveWorkflow(
          options.temporal,
          event.eventname === enrolmentCreatedEvent
            ? { kind: 'enrolled', trigger: 'webhook', moodleUserId: event.relateduserid, moodleCourseId: event.courseid, ...(event.other?.enrol ? { enrol: event.other.enrol } : {}) }
            : { kind: 'unenrolled', moodleUserId: event.relateduserid, moodleCourseId: event.courseid },
          options.policy,
        ),
      );
    } catch (err) {
      request.log.error({ err }, 'could not start the workflow for a Moodle webhook');
      return reply.code(503).header('retry-after', '60').send({ error: 'the workflow could not be started; retry' });
    }
    // Remembered only once durable: a delivery answered 503 is retried with the same id and must pass.
    if (webhookId) replays.remember(webhookId, nowSeconds);
    request.log.info({ workflowId: started.workflowId, duplicate: started.duplicate }, 'Moodle webhook accepted');
    return reply.code(202).send(started);
  });
};

import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/*
 * The contract between Moodle's webhook plugins and the gateway: the events Campus Bridge acts on,
 * both plugins' body shapes, and how each authenticates. Stock Moodle 4.1 sends no webhooks
 * (lib/classes/event/manager.php only runs observers), so these are hints on top of the poll.
 *
 * - `local_webhooks` 3.0.5 (captures 305-319): the event's flat get_data() plus `host`, `token`
 *   (the hook's secret, in the body: no signature, no header) and `extra`; no retry.
 * - `local_webhookengine` (its source and the Standard Webhooks spec; no capture): an envelope
 *   `{id, type, eventname, event: {...}}`, signed `v1,<base64 HMAC-SHA256(key, id.timestamp.body)>`,
 *   retried with the same `webhook-id`.
 */

export type MoodleWebhookAuth = 'standard-webhooks' | 'local_webhooks';

export const moodleWebhookRoute = '/webhooks/moodle';

export const enrolmentCreatedEvent = '\\core\\event\\user_enrolment_created';
export const enrolmentDeletedEvent = '\\core\\event\\user_enrolment_deleted';

/** Moodle ids arrive as PHP gives them: integers from inserts, strings from database reads (307 vs 309). */
const moodleId = z
  .union([z.number(), z.string().regex(/^\d+$/, 'expected a Moodle id')], { error: 'expected a Moodle id (a number or a string of digits)' })
  .transform(Number)
  .pipe(z.number().int().positive('expected a positive Moodle id'));

/** `other.enrol` names the enrolment plugin (`manual`, `self`, `fee`); only sent by local_webhookengine with "include other". */
const enrolmentOther = z.looseObject({ enrol: z.string().optional() }).nullable().optional();

const enrolmentFields = {
  /** The user_enrolments row. */
  objectid: moodleId,
  courseid: moodleId,
  /** The enrolled user (`userid` is whoever acted). */
  relateduserid: moodleId,
  other: enrolmentOther,
  timecreated: z.number().int().optional(),
};

/** The events the bridge acts on, told apart by `eventname`; anything else is answered and ignored. */
export const moodleEnrolmentEvent = z.discriminatedUnion('eventname', [
  z.looseObject({ eventname: z.literal(enrolmentCreatedEvent), ...enrolmentFields }),
  z.looseObject({ eventname: z.literal(enrolmentDeletedEvent), ...enrolmentFields }),
]);
export type MoodleEnrolmentEvent = z.infer<typeof moodleEnrolmentEvent>;

export const handledMoodleEvents: readonly string[] = [enrolmentCreatedEvent, enrolmentDeletedEvent];

/** local_webhooks: the event's fields at the top level, with the hook's secret as `token`. */
const localWebhooksBody = z.looseObject({ eventname: z.string({ error: 'expected the event name' }), token: z.string({ error: 'expected the hook token' }) });
/** local_webhookengine: the event under `event`, its name beside it. */
const webhookEngineEnvelope = z.looseObject({ eventname: z.string({ error: 'expected the event name' }), event: z.record(z.string(), z.unknown(), { error: 'expected the event object' }) });

/** The event fields of either plugin's body, flattened to get_data()'s shape; null with the problem when the shape is wrong. */
export function moodleEventFields(format: MoodleWebhookAuth, json: unknown): { fields: Record<string, unknown> } | { problem: string } {
  if (format === 'local_webhooks') {
    const parsed = localWebhooksBody.safeParse(json);
    return parsed.success ? { fields: parsed.data } : { problem: describeIssues(parsed.error) };
  }
  const parsed = webhookEngineEnvelope.safeParse(json);
  return parsed.success ? { fields: { ...parsed.data.event, eventname: parsed.data.eventname } } : { problem: describeIssues(parsed.error) };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}

/** A local_webhooks token compared in constant time (lengths differ → hash both first, so length leaks nothing either). */
export function tokenMatches(given: unknown, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (text: string) => createHmac('sha256', 'moodle-webhook-token').update(text).digest();
  return timingSafeEqual(digest(given), digest(secret));
}

/** Standard Webhooks headers (lower-cased, as Node gives them). */
export const standardWebhookHeaders = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

/** A `whsec_<base64>` secret means the decoded bytes are the key; any other string is used as its bytes (local_webhookengine signer.php). */
function keyBytes(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

export function standardWebhookSignature(secret: string, id: string, timestamp: string, rawBody: Buffer | string): string {
  return `v1,${createHmac('sha256', keyBytes(secret)).update(`${id}.${timestamp}.`).update(rawBody).digest('base64')}`;
}

export type StandardWebhookCheck = { ok: true; id: string } | { ok: false; reason: string };

/**
 * Standard Webhooks verification: the id and timestamp are signed with the body, so a timestamp
 * outside `toleranceSeconds` of now (either way) is refused, and within it the caller refuses an
 * id it has already accepted. The header may list several space-separated `v1,<sig>` entries
 * (key rotation); any matching one counts, compared in constant time.
 */
export function verifyStandardWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>, secrets: readonly string[], nowSeconds: number, toleranceSeconds: number): StandardWebhookCheck {
  const id = headers[standardWebhookHeaders.id];
  const timestamp = headers[standardWebhookHeaders.timestamp];
  const signature = headers[standardWebhookHeaders.signature];
  if (typeof id !== 'string' || id.length === 0 || id.length > 256) return { ok: false, reason: `missing ${standardWebhookHeaders.id}` };
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `missing or malformed ${standardWebhookHeaders.timestamp}` };
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: `${standardWebhookHeaders.timestamp} is outside the ${toleranceSeconds} s tolerance` };
  if (typeof signature !== 'string') return { ok: false, reason: `missing ${standardWebhookHeaders.signature}` };
  const given = signature.split(' ').filter((entry) => entry.startsWith('v1,')).map((entry) => Buffer.from(entry));
  const matches = secrets.some((secret) => {
    const expected = Buffer.from(standardWebhookSignature(secret, id, timestamp, rawBody));
    return given.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
  });
  return matches ? { ok: true, id } : { ok: false, reason: `invalid ${standardWebhookHeaders.signature}` };
}

/**
 * The webhook ids accepted within the tolerance window: a replay inside it is answered without a
 * second start, and one outside it already fails the timestamp check, so entries older than the
 * window are dropped. Per gateway process: with several gateways, the workflow id still makes a
 * replay harmless (it joins or is refused as a duplicate), this only saves the start.
 */
export function createReplayGuard(toleranceSeconds: number) {
  const seen = new Map<string, number>();
  return {
    seen: (id: string) => seen.has(id),
    remember(id: string, nowSeconds: number) {
      for (const [old, at] of seen) if (at < nowSeconds - 2 * toleranceSeconds) seen.delete(old);
      seen.set(id, nowSeconds);
    },
  };
}

import { createHmac } from 'node:crypto';
import type { MoodleEvent } from './events';
import { phpJson } from './php-json';

/**
 * What each outbound-webhook plugin puts on the wire for one event. Moodle 4.1 core sends no
 * webhooks; the two plugins the product supports differ in everything but the event data.
 */
export type WebhookFormat = 'local_webhooks' | 'standard-webhooks';

export interface WebhookRegistration {
  url: string;
  format: WebhookFormat;
  /**
   * local_webhooks: the hook's token, sent in the body. standard-webhooks: the signing secret,
   * `whsec_<base64>` decoded, any other string used as its bytes (local_webhookengine signer.php).
   */
  secret: string;
  /** Event names (`\core\event\user_enrolment_created`); empty = all. */
  events: string[];
  /** local_webhooks: the hook's free "other" text, sent as `extra`; its "type" gives the Content-Type. */
  extra: string;
  contentType: string;
  /** local_webhookengine's "include other" payload option (off by default, as in the plugin). */
  includeOther: boolean;
  /** local_webhookengine: attempts in all (hook default 9) and the waits between them. */
  maxAttempts: number;
  retryDelaysMs: number[];
  timeoutMs: number;
}

export interface WireRequest {
  headers: [string, string][];
  body: Buffer;
}

/**
 * local_webhooks 3.0.5 `local_webhooks_send_request` (captures 307, 309, 313): get_data() plus
 * `host` (wwwroot's host name), `token` and `extra`, PHP-json-encoded, through Moodle's curl class
 * with exactly these headers; no signature.
 */
export function localWebhooksRequest(registration: WebhookRegistration, event: MoodleEvent, wwwroot: string): WireRequest {
  const body = Buffer.from(phpJson({ ...event, host: new URL(wwwroot).hostname, token: registration.secret, extra: registration.extra }));
  return {
    body,
    headers: [
      ['Host', new URL(registration.url).host],
      ['Accept', '*/*'],
      ['Accept-Encoding', 'deflate, gzip, br, zstd'],
      ['Content-Type', registration.contentType],
      ['User-Agent', `MoodleBot/4.1 (+${wwwroot})`],
      ['Content-Length', String(body.length)],
    ],
  };
}

const keyBytes = (secret: string) => (secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8'));

/** `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>` (Standard Webhooks; local_webhookengine signer.php). */
export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', keyBytes(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** `\core\event\user_enrolment_created` → `core.user_enrolment_created` (payload_builder extract_event_type). */
export const eventType = (eventname: string) => {
  const parts = eventname.replace(/^\\+/, '').split('\\');
  return parts.length >= 3 && parts[1] === 'event' ? `${parts[0]}.${parts[2]}` : parts.join('.');
};

/**
 * local_webhookengine's envelope (payload_builder render_envelope, from its source; no capture):
 * the event's fields under `event`, `other` only with the include-other option and only when it is
 * an array, encoded with unescaped slashes and unicode. Rendered once per delivery, so retries
 * carry the same bytes and the same id.
 */
export function webhookEngineBody(registration: WebhookRegistration, id: string, event: MoodleEvent, wwwroot: string): string {
  const { eventname, component, action, target, objectid, crud, edulevel, contextid, contextlevel, contextinstanceid, courseid, relateduserid, timecreated } = event;
  const body: Record<string, unknown> = { component, action, target, objectid, crud, edulevel, contextid, contextlevel, contextinstanceid, courseid, userid: event.anonymous ? null : event.userid, relateduserid, timecreated };
  if (registration.includeOther && event.other !== null) body.other = event.other;
  return JSON.stringify({ id, schema: 1, type: eventType(eventname), eventname, created: timecreated, site: { url: wwwroot }, event: body });
}

/** delivery_service execute_delivery's headers after the ones curl adds itself; signed anew at every attempt. */
export function webhookEngineRequest(registration: WebhookRegistration, id: string, eventname: string, body: string, timestamp: number): WireRequest {
  const bytes = Buffer.from(body);
  return {
    body: bytes,
    headers: [
      ['Host', new URL(registration.url).host],
      ['Accept', '*/*'],
      ['Content-Type', 'application/json'],
      ['User-Agent', 'WebhookEngine/1.0.0'],
      ['X-Webhook-Event', eventType(eventname)],
      ['webhook-id', id],
      ['webhook-timestamp', String(timestamp)],
      ['webhook-signature', signStandardWebhook(registration.secret, id, timestamp, body)],
      ['Content-Length', String(bytes.length)],
    ],
  };
}

/** delivery_service: these answers (and no answer at all) are retried; anything else is final. */
export const retryableStatus = (status: number | null) => status === null || status === 408 || status === 425 || status === 429 || status >= 500;

import { createHmac, randomUUID } from 'node:crypto';
import type { MoodleEvent } from './functions/function';

export interface WebhookRegistration {
  url: string;
  /** Standard Webhooks key: `whsec_<base64>` is decoded; any other string is used as raw UTF-8 bytes. */
  secret: string;
  /** Event names to send (e.g. `\core\event\user_enrolment_created`); empty = all. */
  events: string[];
  /**
   * `standard-webhooks` (local_webhookengine): signed headers. `local_webhooks`: unsigned, the
   * secret travels in the body as `token` next to `host` and `extra`, as that plugin sends it.
   */
  format: 'standard-webhooks' | 'local_webhooks';
  /** Site host reported by local_webhooks. */
  host: string;
}

export interface WebhookDelivery {
  id: string;
  url: string;
  eventname: string;
  status: number | null;
  error?: string;
}

const keyBytes = (secret: string) => (secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8'));

/** `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, as Standard Webhooks and local_webhookengine sign. */
export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', keyBytes(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * Stands in for an outbound-webhook plugin (Moodle 4.1 core has none): after a web-service call
 * returns, each event goes to every registered receiver as the event's `get_data()` JSON.
 * Delivery failures are recorded, never raised, like Moodle swallowing observer exceptions.
 */
export function createWebhookSender() {
  const registrations: WebhookRegistration[] = [];
  const deliveries: WebhookDelivery[] = [];

  async function deliver(registration: WebhookRegistration, event: MoodleEvent) {
    const id = `msg_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = registration.format === 'standard-webhooks';
    const body = JSON.stringify(signed ? event : { ...event, host: registration.host, token: registration.secret, extra: '' });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signed) Object.assign(headers, { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signStandardWebhook(registration.secret, id, timestamp, body) });
    const delivery: WebhookDelivery = { id, url: registration.url, eventname: event.eventname, status: null };
    deliveries.push(delivery);
    try {
      const response = await fetch(registration.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      delivery.status = response.status;
      await response.arrayBuffer();
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
  }

  return {
    register(registration: WebhookRegistration) {
      registrations.push(registration);
    },
    /** Sends the events and resolves when every delivery has finished. */
    async send(events: MoodleEvent[]) {
      const jobs = events.flatMap((event) => registrations.filter((r) => r.events.length === 0 || r.events.includes(event.eventname)).map((r) => deliver(r, event)));
      await Promise.all(jobs);
    },
    list: () => ({ registrations: registrations.map(({ url, events, format }) => ({ url, events, format })), deliveries }),
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;

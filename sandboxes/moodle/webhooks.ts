import { randomUUID } from 'node:crypto';
import type { MoodleEvent } from './events';
import { rawPost } from './http-post';
import type { MoodleState } from './state';
import { localWebhooksRequest, retryableStatus, webhookEngineBody, webhookEngineRequest, type WebhookFormat, type WebhookRegistration } from './webhook-formats';

export interface WebhookDelivery {
  id: string;
  url: string;
  format: WebhookFormat;
  eventname: string;
  /** `delivered` (2xx), `failed` (final), `retrying` (local_webhookengine's queue), `blocked` (curl security, 305). */
  outcome: 'pending' | 'delivered' | 'failed' | 'retrying' | 'blocked';
  attempts: number;
  /** The listener's last status; null when none answered. */
  status: number | null;
  error?: string;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stands in for the outbound-webhook plugins (Moodle 4.1 core has none). local_webhooks observes
 * every event as an `internal` observer and POSTs at once, inside the triggering request, even if
 * the request's transaction later rolls back (312/313); a failure is logged, never retried (315,
 * 319), and a slow listener slows the web-service call (316/317). local_webhookengine (from its
 * source; no capture) queues each event from a non-internal observer — so only once the
 * transaction has committed — and an ad-hoc task signs and sends it, retrying 408/425/429/5xx and
 * network errors on its back-off schedule with the same webhook id.
 */
export function createWebhookSender(state: MoodleState) {
  const registrations: WebhookRegistration[] = [];
  const deliveries: WebhookDelivery[] = [];

  const subscribed = (event: MoodleEvent, format: WebhookFormat) => registrations.filter((r) => r.format === format && (r.events.length === 0 || r.events.includes(event.eventname)));

  const record = (registration: WebhookRegistration, id: string, event: MoodleEvent): WebhookDelivery => {
    const delivery: WebhookDelivery = { id, url: registration.url, format: registration.format, eventname: event.eventname, outcome: 'pending', attempts: 0, status: null };
    deliveries.push(delivery);
    return delivery;
  };

  async function sendLocalWebhooks(registration: WebhookRegistration, event: MoodleEvent, wwwroot: string) {
    const delivery = record(registration, randomUUID(), event);
    // Moodle's curl class refuses blocked hosts before connecting; the plugin only logs "Error sending request" (305).
    if (state.settings.curlsecurityblockedhosts.includes(new URL(registration.url).hostname)) {
      Object.assign(delivery, { outcome: 'blocked', error: 'Error sending request' });
      return;
    }
    const request = localWebhooksRequest(registration, event, wwwroot);
    const outcome = await rawPost(registration.url, request.headers, request.body, registration.timeoutMs);
    delivery.attempts = 1;
    Object.assign(delivery, outcome, { outcome: outcome.status !== null && outcome.status < 300 ? 'delivered' : 'failed' });
  }

  async function sendWebhookEngine(registration: WebhookRegistration, event: MoodleEvent, wwwroot: string) {
    const id = randomUUID();
    const delivery = record(registration, id, event);
    const body = webhookEngineBody(registration, id, event, wwwroot);
    for (;;) {
      const request = webhookEngineRequest(registration, id, event.eventname, body, state.now());
      const outcome = await rawPost(registration.url, request.headers, request.body, registration.timeoutMs);
      delivery.attempts += 1;
      Object.assign(delivery, outcome);
      if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
        delivery.outcome = 'delivered';
        return;
      }
      if (!retryableStatus(outcome.status) || delivery.attempts >= registration.maxAttempts) {
        delivery.outcome = 'failed';
        return;
      }
      delivery.outcome = 'retrying';
      const delays = registration.retryDelaysMs;
      await wait(delays[Math.min(delivery.attempts - 1, delays.length - 1)] ?? 0);
    }
  }

  return {
    register(registration: WebhookRegistration) {
      registrations.push(registration);
    },
    /** An administrator removing every hook (tests re-register to change a hook's URL, as 314-318 did). */
    clear() {
      registrations.length = 0;
    },
    /** local_webhooks: each event, in order, before the web-service call answers — committed or rolled back. */
    async duringRequest(events: MoodleEvent[], wwwroot: string) {
      for (const event of events) for (const registration of subscribed(event, 'local_webhooks')) await sendLocalWebhooks(registration, event, wwwroot);
    },
    /** local_webhookengine: queued at commit, sent in the background; resolves when every delivery is final. */
    async afterCommit(events: MoodleEvent[], wwwroot: string) {
      await Promise.all(events.flatMap((event) => subscribed(event, 'standard-webhooks').map((registration) => sendWebhookEngine(registration, event, wwwroot))));
    },
    list: () => ({ registrations: registrations.map(({ url, events, format, includeOther }) => ({ url, events, format, includeOther })), deliveries }),
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;

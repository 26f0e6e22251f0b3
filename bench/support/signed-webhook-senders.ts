import http from 'node:http';
import { frappeSignature, frappeSignatureHeader } from '../../src/webhooks/erpnext-contract';
import { percentile } from './percentile';

/*
 * Concurrent senders of signed Student after_insert webhooks, as ERPNext's background workers
 * send them, for the gateway bench. node:http rather than fetch: fetch costs the sending process
 * several times the CPU per request, and the senders share the machine's two cores with the
 * gateway and Temporal.
 */

export type SenderConnections = 'keep-alive' | 'per-delivery';

export interface SendOptions {
  /** The gateway's public listener. */
  url: string;
  secret: string;
  senders: number;
  seconds: number;
  /** The Student the i-th delivery names (the same name twice is the same signed bytes: a duplicate delivery). */
  studentFor(i: number): string;
  /**
   * Offered deliveries per second across all senders; without it every sender sends its next
   * delivery as soon as the last is answered (the most the gateway sustains). Paced, a delivery's
   * time is counted from when it was due, so one that waited for a free sender counts its wait.
   */
  perSecond?: number;
  /**
   * `per-delivery`: a new TCP connection for each delivery; `keep-alive`: each sender reuses its
   * connection (a reverse proxy keeping upstream connections open).
   */
  connections: SenderConnections;
}

export interface SendFigures {
  /** Deliveries answered 202, per second of the run. */
  webhooksPerSecond: number;
  p50AckMs: number;
  p99AckMs: number;
  sent: number;
  /** Deliveries not answered 202 (by status, `http<status>`, or `failed` for no answer). */
  refused: Record<string, number>;
}

/** Bytes as Frappe's json.dumps writes them (`, ` and `: `), the event bound into the body. */
function studentWebhookBody(name: string): string {
  const doc = { event: 'after_insert', doctype: 'Student', name, modified: '2026-12-01 08:55:13.393763' };
  return `{${Object.entries(doc).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One signed delivery; resolves to the status, or 0 when no answer came. */
function deliver(target: URL, agent: http.Agent | false, body: string, secret: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request(
      { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { [frappeSignatureHeader]: frappeSignature(body, secret), 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', () => resolve(0));
      },
    );
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

/** Runs the senders for `seconds` and returns what the gateway answered and how fast. */
export async function sendSignedWebhooks(options: SendOptions): Promise<SendFigures> {
  const target = new URL(`${options.url}/webhooks/erpnext/student/after_insert`);
  const agent = options.connections === 'keep-alive' ? new http.Agent({ keepAlive: true, maxSockets: options.senders }) : false;
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  let accepted = 0;
  let next = 0;
  const started = performance.now();
  const until = started + options.seconds * 1000;
  const interval = options.perSecond ? 1000 / options.perSecond : 0;
  await Promise.all(
    Array.from({ length: options.senders }, async () => {
      for (;;) {
        const i = next++;
        const due = interval ? started + i * interval : performance.now();
        if (due >= until) return;
        if (due > performance.now()) await sleep(due - performance.now());
        const status = await deliver(target, agent, studentWebhookBody(options.studentFor(i)), options.secret);
        latencies.push(performance.now() - due);
        if (status === 202) accepted++;
        else {
          const reason = status === 0 ? 'failed' : `http${status}`;
          refused[reason] = (refused[reason] ?? 0) + 1;
        }
      }
    }),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  if (agent) agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    webhooksPerSecond: Math.round(accepted / wallSeconds),
    p50AckMs: Math.round(percentile(sorted, 50) * 10) / 10,
    p99AckMs: Math.round(percentile(sorted, 99) * 10) / 10,
    sent: latencies.length,
    refused,
  };
}

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Real Moodle 4.1.10 (001-140) and 4.1.11 (141-319) captures; see README.md and README-addendum-141-319.md there. */
export const capturesDir = path.join(__dirname, '..', 'captures');

const captureSchema = z.object({
  request: z.object({
    method: z.enum(['GET', 'POST', 'PUT']),
    function: z.string(),
    params: z.record(z.string(), z.string()),
    encoding: z.enum(['application/x-www-form-urlencoded', 'query-string', 'application/json body']),
    query_string_params: z.record(z.string(), z.string()).optional(),
  }),
  http_status: z.number(),
  headers: z.object({ 'content-type': z.string() }),
  response_body_kind: z.enum(['json', 'raw-text']),
  response: z.unknown(),
  notes: z.array(z.string()).optional(),
});

export type Capture = z.infer<typeof captureSchema> & { number: number; file: string };

const readJsonFiles = (dir: string) =>
  readdirSync(dir)
    .filter((file) => /^\d{3}-.*\.json$/.test(file))
    .sort()
    .map((file) => ({ file, number: Number(file.slice(0, 3)), json: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown> }));

/** Web-service request/response captures; the webhook deliveries (`kind: webhook_delivery`) are loaded by loadWebhookDeliveries. */
export function loadCaptures(dir = capturesDir): Capture[] {
  return readJsonFiles(dir)
    .filter(({ json }) => json.kind === undefined)
    .map(({ file, number, json }) => ({ ...captureSchema.parse(json), number, file }));
}

const deliverySchema = z.object({
  kind: z.literal('webhook_delivery'),
  trigger_capture: z.number(),
  hook: z.object({ plugin: z.string(), url: z.string(), type: z.string(), token: z.string(), other: z.string(), events: z.array(z.string()), serviceid: z.number() }),
  deliveries: z.array(
    z.object({
      method: z.string(),
      url: z.string(),
      http_version: z.string(),
      headers: z.record(z.string(), z.string()),
      body_raw: z.string(),
      body: z.record(z.string(), z.unknown()),
      listener_replied: z.number(),
      received_after_trigger_sent_s: z.number(),
    }),
  ),
  notes: z.array(z.string()).optional(),
});

export type WebhookDeliveryCapture = z.infer<typeof deliverySchema> & { number: number; file: string };

/** What the real local_webhooks plugin POSTed to a listener after a web-service call (captures 305-319). */
export function loadWebhookDeliveries(dir = capturesDir): WebhookDeliveryCapture[] {
  return readJsonFiles(dir)
    .filter(({ json }) => json.kind === 'webhook_delivery')
    .map(({ file, number, json }) => ({ ...deliverySchema.parse(json), number, file }));
}

export interface ReplayedResponse {
  status: number;
  contentType: string;
  text: string;
}

/** Re-sends a capture's request as it went over the wire, with the sandbox's token in place of `<token>`. */
export async function replay(capture: Capture, baseUrl: string, token: string): Promise<ReplayedResponse> {
  const withToken = (params: Record<string, string>) => Object.entries(params).map(([key, value]): [string, string] => [key, value === '<token>' ? token : value]);
  const endpoint = new URL('/webservice/rest/server.php', baseUrl);
  const { request } = capture;
  let init: RequestInit = { method: request.method };
  if (request.encoding === 'query-string') {
    endpoint.search = new URLSearchParams(withToken(request.params)).toString();
  } else if (request.encoding === 'application/json body') {
    init = { ...init, headers: { 'content-type': 'application/json' }, body: JSON.stringify(Object.fromEntries(withToken(request.params))) };
  } else {
    if (request.query_string_params) endpoint.search = new URLSearchParams(withToken(request.query_string_params)).toString();
    init = { ...init, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(withToken(request.params)).toString() };
  }
  const response = await fetch(endpoint, init);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Real Moodle 4.1.10 request/response pairs (copied from shared/reference/moodle-real; see README.md there). */
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

export function loadCaptures(dir = capturesDir): Capture[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3}-.*\.json$/.test(file))
    .sort()
    .map((file) => ({ ...captureSchema.parse(JSON.parse(readFileSync(path.join(dir, file), 'utf8'))), number: Number(file.slice(0, 3)), file }));
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

/**
 * Values that differ between any two Moodle sites or runs, each replaced by a placeholder:
 * - the site URL (captured at 127.0.0.1:8090, the sandbox listens on a free port);
 * - `timecreated`, `timemodified`, `cacherev`, `gradedategraded`, `timecompleted`: wall-clock seconds of the run;
 * - `userprivateaccesskey`: a random per-user key;
 * - the web-service user's preferences `auth_manual_passwordupdatetime`, `last_time_enrolments_synced`,
 *   `_lastloaded`: wall-clock seconds of the site set-up and of the request.
 */
const timeKeys = new Set(['timecreated', 'timemodified', 'cacherev', 'gradedategraded', 'timecompleted']);
const timePreferences = new Set(['auth_manual_passwordupdatetime', 'last_time_enrolments_synced', '_lastloaded']);

export function normaliseJson(value: unknown, siteUrls: string[]): unknown {
  if (typeof value === 'string') return siteUrls.reduce((text, url) => text.split(url).join('<site>'), value);
  if (Array.isArray(value)) return value.map((item) => normaliseJson(item, siteUrls));
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) {
      if (timeKeys.has(key) && typeof item === 'number' && item > 1e9) result[key] = '<time>';
      else if (key === 'userprivateaccesskey') result[key] = '<key>';
      else if (key === 'value' && typeof record.name === 'string' && timePreferences.has(record.name)) result[key] = '<time>';
      else result[key] = normaliseJson(item, siteUrls);
    }
    return result;
  }
  return value;
}

export function normaliseXml(text: string, siteUrls: string[]): string {
  return siteUrls
    .reduce((xml, url) => xml.split(url).join('<site>'), text)
    .replace(/(<KEY name="userprivateaccesskey"><VALUE>)[0-9a-f]+(<\/VALUE>)/, '$1<key>$2');
}

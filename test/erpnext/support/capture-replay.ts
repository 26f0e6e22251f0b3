import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

/**
 * Replays the real Frappe 15 / ERPNext 15 / Education 15 captures (test/erpnext/captures, see its
 * README) against the ERPNext sandbox. Captures are chronological and depend on the state earlier
 * ones left, so a run replays them in order against one sandbox seeded like the captured instance
 * (./captured-instance.ts) and carries a ReplayState from one capture to the next.
 */
export const capturesDir = path.join(__dirname, '..', 'captures');

export interface ApiCapture {
  kind?: undefined;
  number: number;
  file: string;
  request: { method: string; url: string; headers: Record<string, string>; query?: Record<string, string>; body?: unknown; encoding?: string };
  http_status: number;
  headers: Record<string, string>;
  response_body_kind: 'json' | 'html' | 'text';
  response: unknown;
  notes?: string[];
}

export interface WebhookDeliveryCapture {
  kind: 'webhook_delivery';
  number: number;
  file: string;
  trigger_capture: number;
  webhook: { name: string; webhook_doctype: string; webhook_docevent: string; request_url: string; webhook_json: string; secret: string; content_type_header_configured: boolean };
  delivery: { method: string; path: string; headers: [string, string][]; body_raw: string; body_json: unknown; received_at_unix: number };
  signature: { header: string; value: string; computed_base64_hmac_sha256_of_raw_body_with_secret: string; valid: boolean };
}

export interface WebhookAbsenceCapture {
  kind: 'webhook_absence';
  number: number;
  file: string;
  [key: string]: unknown;
}

export type Capture = ApiCapture | WebhookDeliveryCapture | WebhookAbsenceCapture;

/** Every capture (API, webhook delivery, webhook absence) in file order, optionally only numbers in [from, to]. */
export function loadCaptures(range?: [number, number]): Capture[] {
  return readdirSync(capturesDir)
    .filter((file) => /^\d{3}-.*\.json$/.test(file))
    .sort()
    .map((file) => ({ ...(JSON.parse(readFileSync(path.join(capturesDir, file), 'utf8')) as object), number: Number(file.slice(0, 3)), file }) as Capture)
    .filter((capture) => !range || (capture.number >= range[0] && capture.number <= range[1]));
}

export const isApiCapture = (capture: Capture): capture is ApiCapture => capture.kind === undefined;

/** The two API keys of the captured site (README "Instance": Administrator and limited@example.com, role Accounts User only). */
export interface ReplayCredentials {
  admin: { key: string; secret: string };
  limited: { key: string; secret: string };
}

/**
 * What a run carries from capture to capture: volatile values (generated names, `modified` stamps)
 * the captured site gave, mapped to what the sandbox gave in their place. Later requests get the
 * sandbox's values substituted; responses get the captured ones back before comparison.
 */
export interface ReplayState {
  credentials: ReplayCredentials;
  /** captured value → sandbox value */
  substitutions: Map<string, string>;
}

export function newReplayState(credentials: ReplayCredentials): ReplayState {
  return { credentials, substitutions: new Map() };
}

export interface ReplayedResponse {
  status: number;
  contentType: string;
  text: string;
  /** The parsed body when it is JSON. */
  json?: unknown;
}

const substitute = (text: string, map: Map<string, string>) => {
  let result = text;
  // Longest first, so `EDU-ENR-2026-00009-1` is not rewritten through `EDU-ENR-2026-00009`.
  for (const [from, to] of [...map].sort((a, b) => b[0].length - a[0].length)) {
    if (from === to) continue;
    result = result.split(from).join(to).split(encodeURIComponent(from)).join(encodeURIComponent(to));
  }
  return result;
};

function deepSubstitute(value: unknown, map: Map<string, string>): unknown {
  if (typeof value === 'string') return substitute(value, map);
  if (Array.isArray(value)) return value.map((item) => deepSubstitute(item, map));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, deepSubstitute(item, map)]));
  return value;
}

function authorization(header: string | undefined, credentials: ReplayCredentials): string | undefined {
  if (header === undefined) return undefined;
  const withKeys = (text: string) =>
    text
      .replace('<limited_key>', credentials.limited.key)
      .replace('<limited_secret>', credentials.limited.secret)
      .replace('<key>', credentials.admin.key)
      .replace('<secret>', credentials.admin.secret);
  const basic = /^Basic base64\((.*)\)$/.exec(header);
  if (basic) return `Basic ${Buffer.from(withKeys(basic[1])).toString('base64')}`;
  return withKeys(header);
}

/** Sends a capture's request as python-requests sent it, with the state's substitutions applied. */
export async function replayCapture(sandboxUrl: string, capture: ApiCapture, state: ReplayState): Promise<ReplayedResponse> {
  const { request } = capture;
  const pathAndQuery = substitute(request.url.replace(/^https?:\/\/[^/]+/, ''), state.substitutions);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.toLowerCase() === 'authorization') {
      const auth = authorization(value, state.credentials);
      if (auth) headers[name] = auth;
    } else headers[name] = value;
  }
  let body: string | undefined;
  if (request.body !== undefined && request.body !== null) {
    if (typeof request.body === 'string') body = substitute(request.body, state.substitutions);
    else if (request.encoding === 'application/x-www-form-urlencoded') body = new URLSearchParams(deepSubstitute(request.body, state.substitutions) as Record<string, string>).toString();
    else {
      body = pythonJsonDumps(deepSubstitute(request.body, state.substitutions));
      headers['Content-Type'] ??= 'application/json';
    }
  }
  const response = await fetch(`${sandboxUrl}${pathAndQuery}`, { method: request.method, headers, body });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let json: unknown;
  if (contentType.startsWith('application/json')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: response.status, contentType, text, json };
}

/** python-requests' `json=` body: `json.dumps` with ", " and ": " separators (only the byte count differs from JSON.stringify). */
function pythonJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${pythonJsonDumps(item)}`).join(', ')}}`;
  return JSON.stringify(value);
}

/**
 * Learns the sandbox's volatile values from a successful answer: where the captured and the
 * sandbox's body hold a different `name` or `modified` at the same place, later captures that
 * quote the captured value get the sandbox's instead.
 */
export function learnSubstitutions(capture: ApiCapture, actual: ReplayedResponse, state: ReplayState) {
  if (capture.http_status !== actual.status || actual.status >= 300) return;
  const learn = (expected: unknown, got: unknown) => {
    if (typeof expected === 'string' && typeof got === 'string' && expected !== got && !state.substitutions.has(expected)) state.substitutions.set(expected, got);
  };
  // Only a single document answer (insert, get, save) is walked: list rows may come in another order.
  const root = (body: unknown) => (body && typeof body === 'object' ? ((body as Record<string, unknown>).data ?? (body as Record<string, unknown>).message) : undefined);
  const expected = root(capture.response);
  const got = root(actual.json);
  if (Array.isArray(expected) && Array.isArray(got) && expected.every((item) => typeof item === 'string')) {
    // insert_many answers the new names, in order.
    expected.forEach((name, i) => learn(name, got[i]));
    return;
  }
  if (!expected || !got || typeof expected !== 'object' || typeof got !== 'object' || Array.isArray(expected)) return;
  const e = expected as Record<string, unknown>;
  const g = got as Record<string, unknown>;
  for (const key of ['name', 'modified']) learn(e[key], g[key]);
  // Child rows' hash names, row by row: a later PUT quoting a row by name (212) must name the sandbox's row.
  for (const [key, rows] of Object.entries(e)) {
    const gotRows = g[key];
    if (!Array.isArray(rows) || !Array.isArray(gotRows)) continue;
    rows.forEach((row, i) => {
      const other = gotRows[i] as Record<string, unknown> | undefined;
      if (row && typeof row === 'object' && typeof (row as Record<string, unknown>).parentfield === 'string' && other) learn((row as Record<string, unknown>).name, other.name);
    });
  }
}

/**
 * The only values normalised before comparison, each with why it cannot match:
 */
export const volatileFields: Record<string, string> = {
  'creation, modified, posting_time and any "YYYY-MM-DD HH:MM:SS.ffffff" inside a string':
    'wall-clock stamps of the run (microseconds); the replay pins the date, never the microsecond',
  'exc': 'the Python traceback (file paths, line numbers, frames of a Python process); only its presence is compared',
  '__frappe_exc_id (inside _server_messages)': 'a random id per raised exception',
  'name of child rows (parentfield set) and of hash-named documents': '`frappe.generate_hash` names, random per insert',
  'reset_password_key (User) and userid (User Social Login)': 'a hash of `frappe.generate_hash`, random per new User (120)',
  'names the sandbox gave in place of a captured name': 'substituted back through ReplayState (learnSubstitutions) before comparison',
};

const stampPattern = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}/g;
const randomHashKeys = new Set(['reset_password_key', 'userid']);
const stampKeys = new Set(['creation', 'modified', 'posting_time', 'last_login', 'last_active', 'last_known_versions']);

function normaliseString(text: string): string {
  return text.replace(stampPattern, '<timestamp>');
}

function normaliseServerMessages(raw: string): unknown {
  try {
    const outer = JSON.parse(raw) as string[];
    return outer.map((item) => {
      const message = JSON.parse(item) as Record<string, unknown>;
      const { __frappe_exc_id: excId, ...rest } = message;
      return normaliseForComparison({ ...rest, ...(excId === undefined ? {} : { __frappe_exc_id: '<exc id>' }) });
    });
  } catch {
    return normaliseString(raw);
  }
}

/** Replaces the volatile values listed in `volatileFields`; `reverse` maps sandbox values back to captured ones first. */
export function normaliseForComparison(value: unknown, reverse?: Map<string, string>): unknown {
  if (typeof value === 'string') return normaliseString(reverse ? substitute(value, reverse) : value);
  if (Array.isArray(value)) return value.map((item) => normaliseForComparison(item, reverse));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    if (key === 'exc' && typeof item === 'string') result[key] = '<traceback>';
    else if (key === '_server_messages' && typeof item === 'string') result[key] = normaliseServerMessages(reverse ? substitute(item, reverse) : item);
    else if (stampKeys.has(key) && typeof item === 'string') result[key] = '<timestamp>';
    else if (key === 'name' && typeof record.parentfield === 'string') result[key] = '<row hash>';
    else if (randomHashKeys.has(key) && typeof item === 'string') result[key] = '<random hash>';
    else result[key] = normaliseForComparison(item, reverse);
  }
  return result;
}

export interface Comparison {
  same: boolean;
  detail: string;
}

/** Status, content type, and the body (`exc_type`, `exception`, `_server_messages`, data) after normalisation. */
export function compareCapture(capture: ApiCapture, actual: ReplayedResponse, state: ReplayState): Comparison {
  const expectedType = capture.headers['content-type'] ?? '';
  if (actual.status !== capture.http_status) return { same: false, detail: `status ${actual.status} != ${capture.http_status}: ${actual.text.slice(0, 800)}` };
  if (actual.contentType !== expectedType) return { same: false, detail: `content-type ${actual.contentType} != ${expectedType}` };
  if (capture.response_body_kind !== 'json') {
    const same = actual.text === capture.response;
    return { same, detail: same ? '' : `body ${actual.text.slice(0, 800)}` };
  }
  const reverse = new Map([...state.substitutions].map(([from, to]) => [to, from]));
  const expected = normaliseForComparison(capture.response);
  const got = normaliseForComparison(actual.json, reverse);
  const same = isDeepStrictEqual(got, expected);
  return { same, detail: same ? '' : `\nexpected ${JSON.stringify(expected).slice(0, 2500)}\n     got ${JSON.stringify(got).slice(0, 2500)}` };
}

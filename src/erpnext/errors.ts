import { z } from 'zod';
import { attemptLimitOfStatus, IntegrationError, kindOfStatus, parseRetryAfter, socketErrorCode, type FailureKind } from '../errors/integration-error';

/**
 * Frappe exceptions that answer 417/409 but mean "try again": a concurrent writer changed the
 * document (optimistic lock) or the database gave up on a lock. Everything else in the
 * ValidationError family is permanent.
 */
const transientExcTypes = new Set(['TimestampMismatchError', 'QueryDeadlockError', 'QueryTimeoutError', 'DocumentLockedError', 'LockWaitTimeoutError']);

/** The v1 error body of `frappe.utils.response.report_error` (only the keys we read). */
const frappeErrorBodySchema = z.looseObject({
  exc_type: z.string().optional(),
  _server_messages: z.string().optional(),
  _error_message: z.string().optional(),
  exception: z.string().optional(),
});

const serverMessageSchema = z.looseObject({ message: z.unknown().optional() });

/** ERPNext failure with Frappe's exception class and the server's messages, HTML stripped. */
export class ErpnextError extends IntegrationError {
  /** Frappe's `exc_type` (e.g. `MandatoryError`), absent when the body was not a Frappe error. */
  readonly excType?: string;
  readonly messages: string[];

  constructor(message: string, options: { kind: FailureKind; code: string; status?: number; retryAfterMs?: number; attemptLimit?: number; excType?: string; messages?: string[]; cause?: unknown }) {
    super(message, { system: 'erpnext', ...options });
    this.name = 'ErpnextError';
    this.excType = options.excType;
    this.messages = options.messages ?? [];
  }
}

const stripHtml = (text: string) =>
  text
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();

/** `_server_messages` is a JSON string holding a list of JSON strings, each `{message, title, …}`. */
export function decodeServerMessages(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const outer = z.array(z.string()).parse(JSON.parse(raw));
    return outer.map((item) => {
      try {
        const inner = serverMessageSchema.parse(JSON.parse(item));
        return stripHtml(typeof inner.message === 'string' ? inner.message : String(inner.message ?? ''));
      } catch {
        return stripHtml(item);
      }
    });
  } catch {
    return [];
  }
}

/**
 * The message part of Frappe's `exception` ("module.Class: message"), for a crash with no
 * `_server_messages`: Python's own wording (e.g. "'NoneType' object has no attribute 'strip'",
 * 121). Bounded, and any quoted value holding an `@` blanked, so no email reaches a log.
 */
function crashText(exception: string | undefined): string | undefined {
  if (!exception) return undefined;
  const separator = exception.indexOf(': ');
  const text = (separator < 0 ? exception : exception.slice(separator + 2)).split('\n')[0];
  return text.replace(/(['"])[^'"]*@[^'"]*\1/g, '$1…$1').slice(0, 200) || undefined;
}

function parseErrorBody(text: string): { excType?: string; messages: string[]; crash?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { messages: [] };
  }
  const body = frappeErrorBodySchema.safeParse(json);
  if (!body.success) return { messages: [] };
  const messages = decodeServerMessages(body.data._server_messages);
  if (body.data._error_message) messages.push(stripHtml(body.data._error_message));
  return { excType: body.data.exc_type, messages: messages.filter((m) => m.length > 0), crash: crashText(body.data.exception) };
}

function kindOf(status: number, excType: string | undefined): FailureKind {
  if (excType && transientExcTypes.has(excType)) return 'transient';
  return kindOfStatus(status);
}

/**
 * Classifies an HTTP error answer once. `what` names the call (method and path, never the query
 * string or headers, so no filter values or credentials reach the message).
 */
export function errorFromResponse(what: string, status: number, headers: Headers, bodyText: string): ErpnextError {
  const { excType, messages, crash } = parseErrorBody(bodyText);
  const kind = kindOf(status, excType);
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(headers.get('retry-after')) : undefined;
  // A 5xx naming a Frappe exception is a crash in the server's code and is retried a bounded number
  // of times (lock answers excepted: they are transient whatever their status). A 5xx without one
  // comes from in front of Frappe (a proxy, gunicorn) and says nothing about the request: it is
  // retried for as long as it lasts.
  const attemptLimit = excType && !transientExcTypes.has(excType) ? attemptLimitOfStatus(status) : undefined;
  const crashDetail = status >= 500 && crash ? `: ${crash}` : '';
  const detail = messages.length > 0 ? `: ${messages.join('; ')}` : crashDetail;
  return new ErpnextError(`ERPNext ${what} failed with HTTP ${status}${excType ? ` ${excType}` : ''}${detail}`, {
    kind,
    code: excType ?? `HTTP_${status}`,
    status,
    retryAfterMs,
    attemptLimit,
    excType,
    messages,
  });
}

/** A request that never got an answer: refused connection, reset, DNS, or our own timeout. */
export function errorFromNetwork(what: string, err: unknown, timedOut: boolean): ErpnextError {
  if (timedOut) return new ErpnextError(`ERPNext ${what} timed out`, { kind: 'transient', code: 'TIMEOUT', cause: err });
  const code = socketErrorCode(err) ?? 'NETWORK';
  return new ErpnextError(`ERPNext ${what} failed: network error ${code}`, { kind: 'transient', code, cause: err });
}

/** A 2xx answer whose body is not what Frappe sends: a proxy page or a protocol mismatch. */
export function errorFromUnexpectedBody(what: string, status: number, problem: string): ErpnextError {
  return new ErpnextError(`ERPNext ${what} answered HTTP ${status} with an unexpected body: ${problem}`, { kind: 'permanent', code: 'UNEXPECTED_RESPONSE', status });
}

/**
 * The one error taxonomy both clients use. A client classifies every failure once; the activity
 * layer turns the class into Temporal retry behaviour (see activities/failure.ts).
 *
 * - `transient`: network errors, timeouts, 5xx, lock and timestamp conflicts: retry with backoff.
 * - `rate-limited`: 429 (or 503 with Retry-After): retry after `retryAfterMs` when the server gave one.
 * - `permanent`: validation, permission, bad token, not found: retrying cannot help.
 */
export type FailureKind = 'transient' | 'rate-limited' | 'permanent';

/**
 * Attempts after which a server error that is not a known outage answer is taken as a defect of
 * the server (a crash that the same request repeats) and fails for good. Frappe reports real
 * crashes as 500 with an `exc_type` (a Student without email: AttributeError, 121), and Moodle with
 * debugging on answers a PHP fatal as an empty 500 (debuginfo/090); neither passes with time,
 * while 502/503/504 (a proxy, a restart) and 429 do, so those stay unbounded.
 */
export const serverErrorAttemptLimit = 5;

/** Gateway and availability answers that mean "the server is not reachable right now". */
const outageStatuses = new Set([502, 503, 504]);

/** The attempt limit of a 5xx answer: bounded unless it is an outage status. */
export const attemptLimitOfStatus = (status: number): number | undefined => (status >= 500 && !outageStatuses.has(status) ? serverErrorAttemptLimit : undefined);

export interface IntegrationErrorOptions {
  system: 'moodle' | 'erpnext';
  kind: FailureKind;
  /** Stable machine-readable code: Moodle's errorcode, Frappe's exc_type, or HTTP_<status>. */
  code: string;
  /** HTTP status when the server answered. */
  status?: number;
  retryAfterMs?: number;
  /** A transient-looking failure that stops being retried at this activity attempt (see serverErrorAttemptLimit). */
  attemptLimit?: number;
  cause?: unknown;
}

export class IntegrationError extends Error {
  readonly system: IntegrationErrorOptions['system'];
  readonly kind: FailureKind;
  readonly code: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly attemptLimit?: number;

  constructor(message: string, options: IntegrationErrorOptions) {
    super(message, { cause: options.cause });
    this.name = 'IntegrationError';
    this.system = options.system;
    this.kind = options.kind;
    this.code = options.code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.attemptLimit = options.attemptLimit;
  }

  get retryable(): boolean {
    return this.kind !== 'permanent';
  }
}

/** `Retry-After` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The socket error code (ECONNREFUSED, ECONNRESET, ENOTFOUND, …) behind a failed fetch: undici
 * wraps it as `TypeError('fetch failed', { cause: { code } })`. Duck-typed, since errors may come
 * from another realm.
 */
export function socketErrorCode(err: unknown): string | undefined {
  const cause = err && typeof err === 'object' && 'cause' in err ? err.cause : undefined;
  return cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
}

/** Classification of an HTTP status that carried no more specific error body. */
export function kindOfStatus(status: number): FailureKind {
  if (status === 429) return 'rate-limited';
  if (status === 408 || status >= 500) return 'transient';
  return 'permanent';
}

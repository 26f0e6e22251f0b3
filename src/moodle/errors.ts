import { attemptLimitOfStatus, IntegrationError, kindOfStatus, serverErrorAttemptLimit, socketErrorCode, type FailureKind } from '../errors/integration-error';

/**
 * A failed Moodle web-service call. Moodle reports its own errors with HTTP 200 and a JSON body
 * `{exception, errorcode, message}`; `errorcode` is missing for PHP `Error`s and can be HTML for
 * password-policy failures, so `code` falls back to the exception class.
 */
export class MoodleError extends IntegrationError {
  /** Moodle's exception class, e.g. `invalid_parameter_exception`; `HTTP` for non-Moodle failures. */
  readonly exception: string;
  readonly errorcode?: string;

  constructor(message: string, options: { kind: FailureKind; exception: string; errorcode?: string; status?: number; retryAfterMs?: number; attemptLimit?: number; cause?: unknown }) {
    super(message, {
      system: 'moodle',
      kind: options.kind,
      code: options.errorcode ?? options.exception,
      status: options.status,
      retryAfterMs: options.retryAfterMs,
      attemptLimit: options.attemptLimit,
      cause: options.cause,
    });
    this.name = 'MoodleError';
    this.exception = options.exception;
    this.errorcode = options.errorcode;
  }
}

/** Database faults (deadlocks, lost connections) are worth retrying; everything else Moodle rejects is not. */
const transientExceptions = new Set(['dml_write_exception', 'dml_read_exception', 'dml_connection_exception', 'dml_transaction_exception']);
const transientErrorcodes = new Set(['dmlwriteexception', 'dmlreadexception', 'dbconnectionfailed', 'dmltransactionexception', 'sitemaintenance']);

/** Classifies a Moodle exception body: DB-level faults retry, validation/permission/not-found do not. */
export function kindOfMoodleException(exception: string, errorcode: string | undefined): FailureKind {
  if (transientExceptions.has(exception)) return 'transient';
  if (errorcode !== undefined && transientErrorcodes.has(errorcode)) return 'transient';
  return 'permanent';
}

export function moodleExceptionError(body: { exception: string; errorcode?: string; message?: string }, wsfunction: string): MoodleError {
  // Password-policy errorcodes are HTML; keep messages readable and bounded.
  const code = body.errorcode && !body.errorcode.includes('<') ? body.errorcode : undefined;
  const text = (body.message ?? '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 500);
  return new MoodleError(`Moodle ${wsfunction} failed: ${body.exception}${code ? `/${code}` : ''}: ${text}`, {
    kind: kindOfMoodleException(body.exception, body.errorcode),
    exception: body.exception,
    errorcode: code ?? (body.errorcode ? 'passwordpolicy' : undefined),
    status: 200,
  });
}

export function moodleHttpError(status: number, wsfunction: string, retryAfterMs: number | undefined): MoodleError {
  const kind = status === 503 && retryAfterMs !== undefined ? 'rate-limited' : kindOfStatus(status);
  const hint =
    status === 403 ? ' (web services or the REST protocol are disabled on this Moodle site)'
    : status === 500 ? ' (a PHP error: with debugging on, Moodle answers one with an empty 500; the web server log names it)'
    : '';
  return new MoodleError(`Moodle ${wsfunction} answered HTTP ${status}${hint}`, {
    kind,
    exception: 'HTTP',
    errorcode: `HTTP_${status}`,
    status,
    retryAfterMs,
    attemptLimit: attemptLimitOfStatus(status),
  });
}

/**
 * A 200 whose body is not JSON: a proxy's page or a PHP fatal error with debugging off, not
 * Moodle's REST layer. Retried, but a bounded number of times, since a PHP fatal repeats.
 */
export function moodleNotJsonError(wsfunction: string, status: number): MoodleError {
  return new MoodleError(`Moodle ${wsfunction} answered with a body that is not JSON`, {
    kind: 'transient',
    exception: 'invalidjson',
    errorcode: 'INVALID_JSON',
    status,
    attemptLimit: serverErrorAttemptLimit,
  });
}

export function moodleNetworkError(wsfunction: string, cause: unknown, timedOut: boolean): MoodleError {
  const reason = timedOut ? 'timed out' : `network error (${networkCodeOf(cause) ?? 'unknown'})`;
  // The cause is kept out of the message: undici errors can quote the request URL.
  return new MoodleError(`Moodle ${wsfunction} ${reason}`, {
    kind: 'transient',
    exception: timedOut ? 'timeout' : 'network',
    errorcode: timedOut ? 'TIMEOUT' : 'NETWORK',
  });
}

/** The socket error code, else the error's name (an abort is a DOMException). */
function networkCodeOf(error: unknown): string | undefined {
  const code = socketErrorCode(error);
  if (code !== undefined || !error || typeof error !== 'object') return code;
  return 'name' in error && typeof error.name === 'string' ? error.name : undefined;
}

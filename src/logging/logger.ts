import pino, { type DestinationStream, type Logger } from 'pino';

/** Field names that hold a credential wherever they appear, in any case: `apiSecret`, `api_secret`, `wstoken`, `PAYLOAD_ENCRYPTION_KEYS`. */
const secretName = /token|secret|password|passwd|authorization|signature|cookie|api[-_]?key|encryption[-_]?key|credential|private[-_]?key/i;

/** Headers that carry a credential: bearer tokens, cookies, Frappe's signature, API keys. */
const credentialHeader = /^(authorization|proxy-authorization|cookie|set-cookie|x-frappe-webhook-signature|webhook-signature|x-api-key|x-auth-token)$/i;

/** Path segments after `/codec/` are codec tokens when there are two (the Web UI's endpoint form). */
const codecTokenInPath = /^(\/codec\/)[^/?]+(\/(?:decode|encode))/;

const censor = '[redacted]';

/** Replaces every secret-named field, at any depth, of parsed JSON with `[redacted]`. */
function redactDeep(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(redactDeep);
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, secretName.test(key) ? censor : redactDeep(field)]));
}

/**
 * A secret-named key whose value is already the censor, as pino writes it (compact JSON; a key
 * with a quote or backslash in it never matches and takes the full path).
 */
const alreadyRedacted = new RegExp(`"[^"\\\\]*(?:${secretName.source})[^"\\\\]*":"\\[redacted\\]"`, 'gi');

/**
 * Pino's own path redaction reaches only the depths written out (`*.token` is one level), so each
 * finished line is redacted instead: whatever shape a logged object, error or request had, its
 * secret-named fields are gone before the line leaves the process.
 */
function redactLine(line: string): string {
  // Every webhook's "incoming request" line names the signature header, which the req serializer
  // has already blanked: when nothing else in the line is secret-named, re-parsing it would
  // change nothing and would cost more than the rest of the request's logging.
  if (!secretName.test(line) || !secretName.test(line.replace(alreadyRedacted, ''))) return line;
  try {
    return `${JSON.stringify(redactDeep(JSON.parse(line)))}\n`;
  } catch {
    return line;
  }
}

function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, credentialHeader.test(name) ? censor : value]));
}

/** A request URL as logged: the codec token in `/codec/<token>/decode` blanked. */
export function loggableUrl(url: string): string {
  return url.replace(codecTokenInPath, `$1${censor}$2`);
}

export interface LoggerOptions {
  level: string;
  /** Defaults to stdout; tests pass a stream to read what was written. */
  destination?: DestinationStream;
}

/** The process's one pino logger: JSON lines, secrets redacted by configuration, not by call sites. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      hooks: { streamWrite: redactLine },
      serializers: {
        // Headers are logged (they identify webhook senders), credential headers blanked.
        req: (req: { method: string; url: string; headers: Record<string, unknown>; ip?: string }) => ({
          method: req.method,
          url: loggableUrl(req.url),
          headers: redactHeaders(req.headers),
          remoteAddress: req.ip,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    options.destination ?? pino.destination(1),
  );
}

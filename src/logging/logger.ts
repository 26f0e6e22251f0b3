import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Where secrets can appear in a log line: credential and signature headers (webhooks, admin API,
 * the Web UI's codec calls) and secret-named fields of any logged object. Pino removes them when
 * the line is written, so no call site has to remember.
 */
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-frappe-webhook-signature"]',
  'req.headers["webhook-signature"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'token',
  'password',
  'secret',
  'apiSecret',
  'wstoken',
  '*.token',
  '*.password',
  '*.secret',
  '*.apiSecret',
  '*.api_secret',
  '*.wstoken',
  '*.PAYLOAD_ENCRYPTION_KEY',
];

export interface LoggerOptions {
  level: string;
  /** Defaults to stdout; tests pass a stream to read what was written. */
  destination?: DestinationStream;
}

/** The process's one pino logger: JSON lines, secrets redacted by configuration. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: {
        // Headers are logged (they identify webhook senders); the redact paths above blank the secret ones.
        req: (req: { method: string; url: string; headers: Record<string, unknown>; ip?: string }) => ({
          method: req.method,
          url: req.url,
          headers: req.headers,
          remoteAddress: req.ip,
        }),
      },
    },
    options.destination ?? pino.destination(1),
  );
}

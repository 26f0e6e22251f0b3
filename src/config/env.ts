import { z } from 'zod';
import { productionSecretProblems } from './production-secrets';

/** Values the local stack (`npm start`, tests) uses when nothing is configured. */
export const developmentDefaults = {
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  TEMPORAL_NAMESPACE: 'default',
  MOODLE_URL: 'http://127.0.0.1:8081',
  MOODLE_TOKEN: 'dev-moodle-token',
  ERPNEXT_URL: 'http://127.0.0.1:8082',
  ERPNEXT_API_KEY: 'dev-key',
  ERPNEXT_API_SECRET: 'dev-secret',
  ERPNEXT_WEBHOOK_SECRET: 'dev-webhook-secret',
  ADMIN_TOKEN: 'dev-admin-token',
  GATEWAY_PORT: '3000',
  OPERATOR_PORT: '3001',
} as const;

const url = (example: string) => z.url({ protocol: /^https?$/, error: `expected an http(s) URL, e.g. ${example}` });
const secret = (what: string) => z.string({ error: `expected ${what}` }).min(1, `expected ${what}`);
const port = z.coerce
  .number({ error: 'expected a TCP port number' })
  .int('expected a TCP port number')
  .min(1, 'expected a TCP port number')
  .max(65535, 'expected a TCP port number');
const rate = z.coerce.number({ error: 'expected requests per second, a positive number' }).positive('expected requests per second, a positive number');

/*
 * The variables, grouped by what reads them. Each process parses only the groups it uses, so the
 * gateway starts without the Moodle token or the ERPNext API secret, and the worker without the
 * admin token.
 */

const base64Key = /^[A-Za-z0-9+/]{43}=$/;
const keyMessage = 'expected a base64-encoded 32-byte AES-256 key (openssl rand -base64 32)';
/** Comma-separated values; blanks around commas are ignored. */
const list = (each: z.ZodType<string, string>, message: string) =>
  z
    .string()
    .transform((text) => text.split(',').map((item) => item.trim()).filter(Boolean))
    .pipe(z.array(each, { error: message }).min(1, message));

/**
 * Where Temporal is, how to reach a secured cluster, and the payload encryption every client and
 * worker of a namespace must share. TLS variables carry the names Temporal's own environment
 * configuration uses (TEMPORAL_TLS_*_PATH, TEMPORAL_API_KEY), so one .env serves the CLI too.
 */
const temporalEnv = z.object({
  TEMPORAL_ADDRESS: z.string({ error: 'expected host:port of the Temporal frontend, e.g. 127.0.0.1:7233' }).regex(/^[^:\s]+:\d+$/, 'expected host:port of the Temporal frontend, e.g. 127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** `true` for TLS with the system's CAs; implied by any other TLS variable and by TEMPORAL_API_KEY. */
  TEMPORAL_TLS: z.enum(['true', 'false'], { error: 'expected true or false' }).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  /** Issued by Temporal Cloud (or a self-hosted authorizer): taken as it comes. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** Key ring: the first key encrypts, every key decrypts (rotation). */
  PAYLOAD_ENCRYPTION_KEYS: list(z.string().regex(base64Key, keyMessage), keyMessage).optional(),
  /** The one-key form from before the ring; still accepted as a ring of one. */
  PAYLOAD_ENCRYPTION_KEY: z.string().regex(base64Key, keyMessage).optional(),
});
export type TemporalEnv = z.infer<typeof temporalEnv>;

const moodleEnv = z.object({
  MOODLE_URL: url('https://moodle.example.edu'),
  MOODLE_TOKEN: secret('the Moodle web-service token'),
  /**
   * Moodle requests per second this process sends (its clients' request pacer); the Temporal
   * server caps the moodle queue's activities at a multiple of it. Several worker processes
   * divide the system's budget: give each its share (docs/temporal.md §4).
   */
  MOODLE_RATE_PER_SECOND: rate.default(20),
});
export type MoodleEnv = z.infer<typeof moodleEnv>;

const erpnextEnv = z.object({
  ERPNEXT_URL: url('https://erp.example.edu'),
  ERPNEXT_API_KEY: secret('the ERPNext API key'),
  ERPNEXT_API_SECRET: secret('the ERPNext API secret'),
  /** ERPNext requests per second this process sends; as MOODLE_RATE_PER_SECOND. */
  ERPNEXT_RATE_PER_SECOND: rate.default(20),
});
export type ErpnextEnv = z.infer<typeof erpnextEnv>;

/**
 * What the gateway listens on and checks callers with. Two listeners: the public one takes
 * ERPNext's webhooks; the operator one (loopback unless OPERATOR_HOST says otherwise) serves the
 * admin API, the codec and /metrics. The webhook secret is also what `setup` writes to ERPNext.
 */
const gatewayEnv = z.object({
  GATEWAY_PORT: port.default(3000),
  GATEWAY_HOST: z.string().min(1).default('0.0.0.0'),
  OPERATOR_PORT: port.default(3001),
  OPERATOR_HOST: z.string().min(1).default('127.0.0.1'),
  ADMIN_TOKEN: secret('the bearer token for the admin API'),
  ERPNEXT_WEBHOOK_SECRET: secret('the secret set on the ERPNext Webhook documents'),
  /** During a rotation, the secret the Webhooks held before (`setup --rotate-secret` prints the steps). */
  ERPNEXT_WEBHOOK_SECRET_PREVIOUS: z.string().min(1).optional(),
  /** Which Moodle webhook plugin posts to /webhooks/moodle (issue 11); unset, the route is off and the poll alone finds enrolments. */
  MOODLE_WEBHOOK_AUTH: z.enum(['standard-webhooks', 'local_webhooks'], { error: 'expected standard-webhooks (local_webhookengine) or local_webhooks' }).optional(),
  /** The hook's secret: local_webhookengine's signing key (whsec_… or text), or local_webhooks' token. */
  MOODLE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Bearer tokens that may call /codec besides ADMIN_TOKEN (e.g. one per Web UI deployment). */
  CODEC_TOKENS: list(z.string(), 'expected comma-separated codec tokens').optional(),
  /** Browser origins of the Temporal Web UI allowed to call /codec (CORS). */
  CODEC_UI_ORIGINS: list(z.url({ protocol: /^https?$/ }), 'expected comma-separated origins, e.g. https://temporal-ui.example.edu').optional(),
  /** Where the operator console links each run: the Temporal Web UI (the dev server serves it on :8233). */
  TEMPORAL_UI_URL: url('https://temporal-ui.example.edu').default('http://localhost:8233'),
});

/**
 * Read access for the operator console's 360° student view and reports, optional: without all
 * five the console shows runs and the audit trail only, and the gateway holds no system credential.
 */
const consoleReadEnv = z.object({
  ...moodleEnv.pick({ MOODLE_URL: true, MOODLE_TOKEN: true }).partial().shape,
  ...erpnextEnv.pick({ ERPNEXT_URL: true, ERPNEXT_API_KEY: true, ERPNEXT_API_SECRET: true }).partial().shape,
});

/** How the worker process runs: its Prometheus endpoint and the prebuilt workflow code. */
const workerRuntimeEnv = z.object({
  /** host:port of the SDK's Prometheus endpoint (GET /metrics), e.g. 0.0.0.0:9464; unset, none. */
  WORKER_METRICS_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port for the worker metrics endpoint, e.g. 0.0.0.0:9464').optional(),
  /** The folder `npm run bundle` wrote (the image sets it); unset, the worker bundles workflows/ at start. */
  WORKFLOW_BUNDLE_DIR: z.string().min(1).optional(),
});

const logEnv = z.object({ LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') });
const mappingEnv = z.object({ MAPPING_FILE: z.string().min(1).optional() });

/** Each process's variables. Worker and gateway run in production; the others are operator and local commands. */
export const processEnv = {
  worker: z.object({ ...temporalEnv.shape, ...moodleEnv.shape, ...erpnextEnv.shape, ...workerRuntimeEnv.shape, ...mappingEnv.shape, ...logEnv.shape }),
  gateway: z.object({ ...temporalEnv.shape, ...gatewayEnv.shape, ...consoleReadEnv.shape, ...mappingEnv.shape, ...logEnv.shape }),
  /** ERPNext provisioning: the API, the secret it writes, the port for the default gateway URL, and the mapping (Student fields the Webhooks carry). */
  setup: z.object({ ...erpnextEnv.shape, ...mappingEnv.shape, ...gatewayEnv.pick({ GATEWAY_PORT: true, ERPNEXT_WEBHOOK_SECRET: true }).shape }),
  schedules: z.object({ ...temporalEnv.shape, ...mappingEnv.shape }),
  sync: z.object({ ...temporalEnv.shape, ...mappingEnv.shape }),
  /** The pre-integration checklist reads every system, and where ERPNext should deliver webhooks. */
  doctor: z.object({ ...temporalEnv.shape, ...moodleEnv.shape, ...erpnextEnv.shape, ...mappingEnv.shape, ...gatewayEnv.pick({ GATEWAY_PORT: true }).shape }),
  /** Starts the reconcile workflow; the workers read the systems. */
  reconcile: z.object({ ...temporalEnv.shape, ...mappingEnv.shape }),
  status: z.object({ ...temporalEnv.shape }),
  trail: z.object({ ...temporalEnv.shape }),
  /** The whole local stack runs every process in one. */
  dev: z.object({ ...temporalEnv.shape, ...moodleEnv.shape, ...erpnextEnv.shape, ...gatewayEnv.shape, ...mappingEnv.shape, ...logEnv.shape }),
};

export type ProcessName = keyof typeof processEnv;
export type ConfigOf<P extends ProcessName> = z.infer<(typeof processEnv)[P]>;
export type GatewayConfig = ConfigOf<'gateway'>;
export type DevConfig = ConfigOf<'dev'>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Combinations no single variable's rule can see. */
function combinationProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (config.PAYLOAD_ENCRYPTION_KEYS !== undefined && config.PAYLOAD_ENCRYPTION_KEY !== undefined) {
    problems.push('PAYLOAD_ENCRYPTION_KEY: set either it or PAYLOAD_ENCRYPTION_KEYS (the ring), not both');
  }
  if ((config.TEMPORAL_TLS_CLIENT_CERT_PATH === undefined) !== (config.TEMPORAL_TLS_CLIENT_KEY_PATH === undefined)) {
    problems.push('TEMPORAL_TLS_CLIENT_CERT_PATH: mTLS needs both it and TEMPORAL_TLS_CLIENT_KEY_PATH');
  }
  return problems;
}

/**
 * Parses the environment `process` reads, once, at its entry point. Empty strings count as unset.
 * Messages name the variable and what it expects, never the value, so secrets cannot leak into
 * logs. Without development defaults (the production commands) the development secrets and short
 * operator-chosen secrets are refused too.
 */
export function loadConfig<P extends ProcessName>(process: P, env: NodeJS.ProcessEnv, options: { developmentDefaults?: boolean } = {}): ConfigOf<P> {
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const input = options.developmentDefaults ? { ...developmentDefaults, ...given } : given;
  const parsed = processEnv[process].safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const problems = combinationProblems(parsed.data);
  if (!options.developmentDefaults) problems.push(...productionSecretProblems(parsed.data));
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed.data as ConfigOf<P>;
}

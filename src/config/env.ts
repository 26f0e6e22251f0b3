import { z } from 'zod';

/** Values the local stack (`npm start`, tests) uses when nothing is configured; see DESIGN.md. */
export const developmentDefaults = {
  TEMPORAL_ADDRESS: '127.0.0.1:7233',
  TEMPORAL_NAMESPACE: 'default',
  MOODLE_URL: 'http://127.0.0.1:8081',
  MOODLE_TOKEN: 'dev-moodle-token',
  ERPNEXT_URL: 'http://127.0.0.1:8082',
  ERPNEXT_API_KEY: 'dev-key',
  ERPNEXT_API_SECRET: 'dev-secret',
  ERPNEXT_WEBHOOK_SECRET: 'dev-webhook-secret',
  MOODLE_WEBHOOK_SECRET: 'dev-webhook-secret',
  ADMIN_TOKEN: 'dev-admin-token',
  GATEWAY_PORT: '3000',
} as const;

const url = (example: string) => z.url({ protocol: /^https?$/, error: `expected an http(s) URL, e.g. ${example}` });
const secret = (what: string) => z.string({ error: `expected ${what}` }).min(1, `expected ${what}`);
const port = z.coerce
  .number({ error: 'expected a TCP port number' })
  .int('expected a TCP port number')
  .min(1, 'expected a TCP port number')
  .max(65535, 'expected a TCP port number');
const rate = z.coerce.number({ error: 'expected requests per second, a positive number' }).positive('expected requests per second, a positive number');

/** Every environment variable Campus Bridge reads, in one schema. */
export const envSchema = z.object({
  TEMPORAL_ADDRESS: z.string({ error: 'expected host:port of the Temporal frontend, e.g. 127.0.0.1:7233' }).regex(/^[^:\s]+:\d+$/, 'expected host:port of the Temporal frontend, e.g. 127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  MOODLE_URL: url('https://moodle.example.edu'),
  MOODLE_TOKEN: secret('the Moodle web-service token'),
  ERPNEXT_URL: url('https://erp.example.edu'),
  ERPNEXT_API_KEY: secret('the ERPNext API key'),
  ERPNEXT_API_SECRET: secret('the ERPNext API secret'),
  ERPNEXT_WEBHOOK_SECRET: secret('the secret set on the ERPNext Webhook documents'),
  MOODLE_WEBHOOK_SECRET: secret('the secret shared with the Moodle webhook plugin'),
  ADMIN_TOKEN: secret('the bearer token for the admin API'),
  GATEWAY_PORT: port.default(3000),
  MAPPING_FILE: z.string().min(1).optional(),
  PAYLOAD_ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'expected a base64-encoded 32-byte AES-256 key (openssl rand -base64 32)')
    .optional(),
  MOODLE_RATE_PER_SECOND: rate.default(20),
  ERPNEXT_RATE_PER_SECOND: rate.default(20),
  MOODLE_WEBHOOK_AUTH: z.enum(['standard-webhooks', 'body-token']).default('standard-webhooks'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once per entry point. Empty strings count as unset. Messages name the
 * variable and what it expects, never the value, so secrets cannot leak into logs.
 */
export function loadConfig(env: NodeJS.ProcessEnv, options: { developmentDefaults?: boolean } = {}): Config {
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const input = options.developmentDefaults ? { ...developmentDefaults, ...given } : given;
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

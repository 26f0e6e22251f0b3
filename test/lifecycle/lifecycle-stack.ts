import { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { createActivities } from '../../activities';
import { loadConfig } from '../../src/config/env';
import { mappingSchema, type Mapping } from '../../src/config/mapping-file';
import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { provisionErpnext } from '../../src/erpnext/provisioning/provision-erpnext';
import { buildGateway } from '../../src/gateway/server';
import { createMoodleClient, type MoodleClient } from '../../src/moodle/client';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { dataConverterFor } from '../../src/temporal/codec';
import { erpnextClientFrom, moodleClientFrom } from '../../src/wiring/from-config';
import { payloadKeyRing } from '../../src/temporal/key-ring';
import type { TaskQueueWorkers } from '../../src/temporal/task-queue-workers';
import { bundleWorkflows, connectTestEnv, createTestWorkers, type TemporalTestEnv } from '../support/temporal';

export const webhookSecret = 'lifecycle-webhook-secret';
export const adminToken = 'lifecycle-admin-token';

/**
 * The whole lifecycle on one machine: both demo sandboxes, the three workers with the real
 * activities, and the gateway, wired by `campus-bridge setup` exactly as a deployment would be.
 */
export interface LifecycleStack {
  env: TemporalTestEnv;
  /** The client the gateway and workers share: with the payload codec when the stack has keys (env.client never has it). */
  temporal: Client;
  moodleSandbox: MoodleSandbox;
  erpnextSandbox: ErpnextSandbox;
  moodle: MoodleClient;
  erp: ErpnextClient;
  gateway: FastifyInstance;
  gatewayUrl: string;
  /** The operator listener: admin API and codec. */
  operatorUrl: string;
  close(): Promise<void>;
}

export interface LifecycleStackOptions {
  mapping?: Partial<Mapping>;
  /** PAYLOAD_ENCRYPTION_KEYS (base64 keys, current first): payloads and failures sealed, the codec route on. */
  payloadEncryptionKeys?: string;
  /** Where the gateway logs (silent by default) and, as the runtime logger, the workers. */
  logger?: Logger;
  /** Where the workers' runtime serves Prometheus metrics (the file's first stack only: one runtime per process). */
  runtimeMetricsAddress?: string;
  /** Replaces some real activities (fault injection); gets the real set, returns the one the workers run. */
  activities?: (real: Activities) => Activities;
  /** Multiplies Frappe's 1 s / 4 s webhook retry sleeps; 0.01 unless given (1: real Frappe's timing). */
  webhookRetryDelayScale?: number;
  /** false: no workers in this process (the test runs them elsewhere, e.g. as child processes it kills). */
  inProcessWorkers?: boolean;
  /**
   * MOODLE_RATE_PER_SECOND / ERPNEXT_RATE_PER_SECOND of the workers: their activities get clients
   * of their own, paced as a deployment's (src/wiring/from-config.ts); the test's clients stay unpaced.
   */
  rates?: { moodle: number; erpnext: number };
  /** The sandboxes' credentials (the dev ones unless given; a production worker process refuses those). */
  credentials?: { moodleToken: string; erpnextApiKey: string; erpnextApiSecret: string };
}

type Activities = ReturnType<typeof createActivities>;

export async function startLifecycleStack(options: LifecycleStackOptions = {}): Promise<LifecycleStack> {
  const env = await connectTestEnv({ runtimeLogger: options.logger, runtimeMetricsAddress: options.runtimeMetricsAddress });
  const credentials = options.credentials ?? { moodleToken: 'dev-moodle-token', erpnextApiKey: 'dev-key', erpnextApiSecret: 'dev-secret' };
  const moodleSandbox = await startMoodleSandbox({ seed: 'demo', token: credentials.moodleToken });
  const erpnextSandbox = await startErpnextSandbox({ seed: 'demo', apiKey: credentials.erpnextApiKey, apiSecret: credentials.erpnextApiSecret, webhookRetryDelayScale: options.webhookRetryDelayScale ?? 0.01 });
  const moodle = createMoodleClient({ url: moodleSandbox.url, token: credentials.moodleToken });
  const erp = createErpnextClient({ url: erpnextSandbox.url, apiKey: credentials.erpnextApiKey, apiSecret: credentials.erpnextApiSecret });
  const mapping = mappingSchema.parse(options.mapping ?? {});
  const config = loadConfig(
    'gateway',
    {
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      MOODLE_URL: moodleSandbox.url,
      ERPNEXT_URL: erpnextSandbox.url,
      ERPNEXT_WEBHOOK_SECRET: webhookSecret,
      ADMIN_TOKEN: adminToken,
      ...(options.payloadEncryptionKeys ? { PAYLOAD_ENCRYPTION_KEYS: options.payloadEncryptionKeys } : {}),
    },
    { developmentDefaults: true },
  );
  const dataConverter = dataConverterFor(payloadKeyRing(config));
  const temporal = dataConverter ? new Client({ connection: env.client.connection, namespace: env.namespace, dataConverter }) : env.client;

  const activityClients = () => {
    if (!options.rates) return { moodle, erpnext: erp };
    return {
      moodle: moodleClientFrom({ MOODLE_URL: moodleSandbox.url, MOODLE_TOKEN: credentials.moodleToken, MOODLE_RATE_PER_SECOND: options.rates.moodle }),
      erpnext: erpnextClientFrom({ ERPNEXT_URL: erpnextSandbox.url, ERPNEXT_API_KEY: credentials.erpnextApiKey, ERPNEXT_API_SECRET: credentials.erpnextApiSecret, ERPNEXT_RATE_PER_SECOND: options.rates.erpnext }),
    };
  };
  const running = options.inProcessWorkers === false ? undefined : await runInProcessWorkers();
  async function runInProcessWorkers() {
    // Sealed failures must be in the bundle too: workflow-side failures are converted there.
    const workflowBundle = dataConverter
      ? { code: (await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), failureConverterPath: dataConverter.failureConverterPath, logger: new DefaultLogger('WARN') })).code }
      : await bundleWorkflows();
    const workers: TaskQueueWorkers = await createTestWorkers(env, {
      workflowBundle,
      ...(options.activities ?? ((real) => real))(createActivities({ ...activityClients(), mapping })),
      rates: options.rates,
      dataConverter,
    });
    return { workers, done: workers.run() };
  }

  const { publicApp: gateway, operatorApp } = await buildGateway({ config, temporal, mapping, logger: options.logger ?? pino({ level: 'silent' }) });
  const gatewayUrl = await gateway.listen({ host: '127.0.0.1', port: 0 });
  const operatorUrl = await operatorApp.listen({ host: '127.0.0.1', port: 0 });
  await provisionErpnext(erp, { gatewayUrl, secret: webhookSecret });

  return {
    env,
    temporal,
    moodleSandbox,
    erpnextSandbox,
    moodle,
    erp,
    gateway,
    gatewayUrl,
    operatorUrl,
    async close() {
      await erpnextSandbox.close();
      await gateway.close();
      await operatorApp.close();
      running?.workers.shutdown();
      await running?.done;
      await moodleSandbox.close();
      await env.close();
    },
  };
}

/** Polls until `read` yields a value `done` accepts (workflows finish asynchronously after a 202). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The requests a sandbox has answered since its counts were last cleared, by function or route. */
export async function sandboxRequests(url: string): Promise<Record<string, number>> {
  return (await (await fetch(`${url}/__sandbox/requests`)).json()) as Record<string, number>;
}

/** A run's status name, or undefined while it does not exist (a webhook may not have started it yet). */
export function runStatus(stack: LifecycleStack, workflowId: string): Promise<string | undefined> {
  return stack.temporal.workflow.getHandle(workflowId).describe().then((d) => d.status.name, () => undefined);
}

/** The run's result once it exists and has closed. */
export async function closedRunResult<T = { outcome: string; enrolledCourses?: string[] }>(stack: LifecycleStack, workflowId: string): Promise<T> {
  await eventually(() => runStatus(stack, workflowId), (s) => s !== undefined && s !== 'RUNNING');
  return stack.temporal.workflow.getHandle(workflowId).result();
}

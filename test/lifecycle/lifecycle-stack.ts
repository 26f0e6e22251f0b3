import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createActivities } from '../../activities';
import { loadConfig } from '../../src/config/env';
import { mappingSchema, type Mapping } from '../../src/config/mapping-file';
import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { provisionErpnext } from '../../src/erpnext/provisioning/provision-erpnext';
import { buildGateway } from '../../src/gateway/server';
import { createMoodleClient, type MoodleClient } from '../../src/moodle/client';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
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

export async function startLifecycleStack(options: { mapping?: Partial<Mapping> } = {}): Promise<LifecycleStack> {
  const env = await connectTestEnv();
  const moodleSandbox = await startMoodleSandbox({ seed: 'demo' });
  const erpnextSandbox = await startErpnextSandbox({ seed: 'demo', webhookRetryDelayScale: 0.01 });
  const moodle = createMoodleClient({ url: moodleSandbox.url, token: 'dev-moodle-token' });
  const erp = createErpnextClient({ url: erpnextSandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
  const mapping = mappingSchema.parse(options.mapping ?? {});

  const workers: TaskQueueWorkers = await createTestWorkers(env, {
    workflowBundle: await bundleWorkflows(),
    ...createActivities({ moodle, erpnext: erp, mapping }),
  });
  const running = workers.run();

  const config = loadConfig(
    'gateway',
    {
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      MOODLE_URL: moodleSandbox.url,
      ERPNEXT_URL: erpnextSandbox.url,
      ERPNEXT_WEBHOOK_SECRET: webhookSecret,
      ADMIN_TOKEN: adminToken,
    },
    { developmentDefaults: true },
  );
  const { publicApp: gateway, operatorApp } = await buildGateway({ config, temporal: env.client, mapping, logger: pino({ level: 'silent' }) });
  const gatewayUrl = await gateway.listen({ host: '127.0.0.1', port: 0 });
  const operatorUrl = await operatorApp.listen({ host: '127.0.0.1', port: 0 });
  await provisionErpnext(erp, { gatewayUrl, secret: webhookSecret });

  return {
    env,
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
      workers.shutdown();
      await running;
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

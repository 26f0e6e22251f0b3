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

export const webhookSecret = 'money-erpnext-webhook-secret';
export const moodleWebhookSecret = 'money-moodle-webhook-secret';

export interface MoneyStack {
  env: TemporalTestEnv;
  moodleSandbox: MoodleSandbox;
  erpnextSandbox: ErpnextSandbox;
  moodle: MoodleClient;
  erp: ErpnextClient;
  mapping: Mapping;
  gateway: FastifyInstance;
  gatewayUrl: string;
  /** The admin listener (ADMIN_TOKEN money-admin-token). */
  operatorUrl: string;
  close(): Promise<void>;
}

/**
 * Both demo sandboxes, the three workers with the real activities, and the gateway with the
 * Moodle webhook route on (Standard Webhooks, as local_webhookengine signs), ERPNext provisioned
 * by setup, and the Moodle sandbox's hook pointed at the gateway with `includeOther` on.
 */
export async function startMoneyStack(mappingInput: unknown): Promise<MoneyStack> {
  const env = await connectTestEnv();
  const moodleSandbox = await startMoodleSandbox({ seed: 'demo' });
  const erpnextSandbox = await startErpnextSandbox({ seed: 'demo', webhookRetryDelayScale: 0.01 });
  const moodle = createMoodleClient({ url: moodleSandbox.url, token: 'dev-moodle-token' });
  const erp = createErpnextClient({ url: erpnextSandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
  const mapping = mappingSchema.parse(mappingInput);

  const workers: TaskQueueWorkers = await createTestWorkers(env, { workflowBundle: await bundleWorkflows(), ...createActivities({ moodle, erpnext: erp, mapping }) });
  const running = workers.run();
  const config = loadConfig(
    'gateway',
    {
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      ERPNEXT_WEBHOOK_SECRET: webhookSecret,
      ADMIN_TOKEN: 'money-admin-token',
      MOODLE_WEBHOOK_AUTH: 'standard-webhooks',
      MOODLE_WEBHOOK_SECRET: moodleWebhookSecret,
    },
    { developmentDefaults: true },
  );
  const { publicApp: gateway, operatorApp } = await buildGateway({ config, temporal: env.client, mapping, logger: pino({ level: 'silent' }) });
  const gatewayUrl = await gateway.listen({ host: '127.0.0.1', port: 0 });
  const operatorUrl = await operatorApp.listen({ host: '127.0.0.1', port: 0 });
  await provisionErpnext(erp, { gatewayUrl, secret: webhookSecret });
  const hook = await fetch(`${moodleSandbox.url}/__sandbox/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${gatewayUrl}/webhooks/moodle`, secret: moodleWebhookSecret, format: 'standard-webhooks', includeOther: true, retryDelaysMs: [200, 400] }),
  });
  if (hook.status !== 201) throw new Error(`could not register the Moodle hook: ${hook.status} ${await hook.text()}`);

  return {
    env,
    moodleSandbox,
    erpnextSandbox,
    moodle,
    erp,
    mapping,
    gateway,
    gatewayUrl,
    operatorUrl,
    async close() {
      await fetch(`${moodleSandbox.url}/__sandbox/webhooks`, { method: 'DELETE' });
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

/** Polls until `read` yields a value `done` accepts. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 150));
  }
}

import { Client, Connection } from '@temporalio/client';
import { IllegalStateError } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createActivities } from '../../activities';
import { loadConfig } from '../../src/config/env';
import { mappingSchema, type Mapping } from '../../src/config/mapping-file';
import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { provisionErpnext } from '../../src/erpnext/provisioning/provision-erpnext';
import { buildGateway } from '../../src/gateway/server';
import { createRequestPacer } from '../../src/http/request-pacer';
import { createMoodleClient } from '../../src/moodle/client';
import { TaskQueueWorkers } from '../../src/temporal/task-queue-workers';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import type { FaultSettingsInput } from '../../sandboxes/faults';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { startBenchTemporalServer } from './temporal-server';
import { erpnextRequestCost, moodleRequestCost, startCostModelProxy, type CostModel, type CostModelProxy } from './cost-model-proxy';
import { startWorkerProcess } from './worker-process';

/*
 * The stack a webhook-path bench runs on, built one way for every such bench: a Temporal dev
 * server, both sandboxes (demo seed), optionally the cost-model proxies in front of them, the
 * bundled workflows on TaskQueueWorkers with the real activities, the real gateway, and ERPNext
 * provisioned (Custom Fields, Webhooks pointing at the gateway). The bridge's clients pace their
 * requests as a deployment's do (src/http/request-pacer.ts); the bench's own setup and inserts go
 * straight to the sandbox (`direct`), outside the bridge's budget and counts.
 */
export interface BenchStackOptions {
  /** Requests per second the bridge's clients send to each system (their pacers). */
  rates: { moodle: number; erpnext: number };
  /** Put the issue #12 cost model (cost-models.ts) in front of each sandbox; the bridge talks to the proxies. */
  costModels?: { moodle: CostModel; erpnext: CostModel };
  /** Faults (e.g. latency) each sandbox starts with. */
  sandboxFaults?: FaultSettingsInput;
  webhookSecret: string;
  /** Background workers the ERPNext sandbox delivers its webhooks with (one job each at a time, as RQ's); unbounded if omitted. */
  erpnextWebhookWorkers?: number;
  /** Runs on the gateway before it listens (a bench's onResponse hook, say). */
  onGateway?: (gateway: FastifyInstance) => void;
  /**
   * Run the workers in a process of their own (worker-process.ts), as a deployment does, so their
   * CPU is not the sandboxes' and gateway's, and their peak RSS is measured apart.
   */
  workerProcess?: boolean;
}

export interface BenchStack {
  temporal: Client;
  /** The Temporal server it runs against, for the conditions (temporal-server.ts). */
  temporalServer: string;
  mapping: Mapping;
  moodleSandbox: MoodleSandbox;
  erpnextSandbox: ErpnextSandbox;
  /** The cost-model proxies, when the stack has them; their counts are the bridge's requests only. */
  proxies?: { moodle: CostModelProxy; erpnext: CostModelProxy };
  /** ERPNext straight to the sandbox: the bench's own inserts, never paced or priced. */
  direct: ErpnextClient;
  gatewayUrl: string;
  /** The worker process's peak RSS in bytes, once `close` has stopped it (workerProcess only). */
  workerPeakRss(): number | undefined;
  /** Stops everything in reverse order of starting; safe to call once. */
  close(): Promise<void>;
}

function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch (err) {
    // Another bench in this process installed it already.
    if (!(err instanceof IllegalStateError)) throw err;
  }
}

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  installQuietRuntime();
  const stops: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const server = await startBenchTemporalServer();
    stops.push(() => server.stop());
    const moodleSandbox = await startMoodleSandbox({ seed: 'demo', faults: options.sandboxFaults });
    stops.push(() => moodleSandbox.close());
    const erpnextSandbox = await startErpnextSandbox({ seed: 'demo', faults: options.sandboxFaults, webhookWorkers: options.erpnextWebhookWorkers });
    stops.push(() => erpnextSandbox.close());
    let proxies: BenchStack['proxies'];
    if (options.costModels) {
      const moodle = await startCostModelProxy(moodleSandbox.url, options.costModels.moodle, moodleRequestCost);
      stops.push(() => moodle.close());
      const erpnext = await startCostModelProxy(erpnextSandbox.url, options.costModels.erpnext, erpnextRequestCost);
      stops.push(() => erpnext.close());
      proxies = { moodle, erpnext };
    }
    const moodleUrl = proxies?.moodle.url ?? moodleSandbox.url;
    const erpnextUrl = proxies?.erpnext.url ?? erpnextSandbox.url;

    const clientConnection = await Connection.connect({ address: server.address });
    stops.push(() => clientConnection.close());
    const workerConnection = await NativeConnection.connect({ address: server.address });
    stops.push(() => workerConnection.close());
    const temporal = new Client({ connection: clientConnection, namespace: 'default' });
    const mapping = mappingSchema.parse({});
    // A Data Import's insert of 200 Students fires 200 webhooks inside the request; on a loaded
    // machine (the sandbox shares this process with the workers) that can pass the 30 s default.
    const direct = createErpnextClient({ url: erpnextSandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret', timeoutMs: 300_000 });

    let workerPeakRss: number | undefined;
    if (options.workerProcess) {
      const workerProcess = await startWorkerProcess({ temporalAddress: server.address, moodleUrl, erpnextUrl, rates: options.rates });
      stops.push(async () => (workerPeakRss = await workerProcess.stop()));
    } else {
      const moodle = createMoodleClient({ url: moodleUrl, token: 'dev-moodle-token', pacer: createRequestPacer({ perSecond: options.rates.moodle }) });
      const erp = createErpnextClient({ url: erpnextUrl, apiKey: 'dev-key', apiSecret: 'dev-secret', pacer: createRequestPacer({ perSecond: options.rates.erpnext }) });
      const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('WARN') });
      const workers = await TaskQueueWorkers.create({
        connection: workerConnection,
        namespace: 'default',
        workflows: { workflowBundle: { code } },
        activities: createActivities({ moodle, erpnext: erp, mapping }),
        rates: options.rates,
        shutdownGraceTime: '2s',
      });
      const running = workers.run();
      stops.push(async () => {
        workers.shutdown();
        await running;
      });
    }

    const config = loadConfig('gateway', { TEMPORAL_ADDRESS: server.address, MOODLE_URL: moodleUrl, ERPNEXT_URL: erpnextUrl, ERPNEXT_WEBHOOK_SECRET: options.webhookSecret }, { developmentDefaults: true });
    const { publicApp: gateway } = await buildGateway({ config, temporal, mapping, logger: pino({ level: 'silent' }) });
    options.onGateway?.(gateway);
    const gatewayUrl = await gateway.listen({ host: '127.0.0.1', port: 0 });
    stops.push(() => gateway.close());

    await provisionErpnext(direct, { gatewayUrl, secret: options.webhookSecret });
    // What setup itself asked (Custom Fields, Webhooks) is not the bench's to count.
    for (const url of [moodleSandbox.url, erpnextSandbox.url]) await fetch(`${url}/__sandbox/requests`, { method: 'DELETE' });
    proxies?.moodle.reset();
    proxies?.erpnext.reset();

    return { temporal, temporalServer: server.description, mapping, moodleSandbox, erpnextSandbox, proxies, direct, gatewayUrl, close, workerPeakRss: () => workerPeakRss };
  } catch (err) {
    await close();
    throw err;
  }
}

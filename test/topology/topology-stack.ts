import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../../src/config/env';
import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { createMoodleClient, type MoodleClient } from '../../src/moodle/client';
import { taskQueues } from '../../src/common/task-queues';
import { workerMemoryEnvironment } from '../../src/temporal/worker-memory';
import { connectTemporalClient } from '../../src/wiring/from-config';
import { freePort } from '../support/free-port';
import { ProcessGroup, type Started } from './processes';
import { eventually, repoRoot, run, secondsSince, topologyScripts } from './shell';
import { writeTemporalConfig, type TemporalPorts } from './temporal-config';

export const namespace = 'campus-bridge';

/** What the run measured on the way up, for the closing table. */
export interface StartTimings {
  buildSeconds: number;
  buildCached: boolean;
  postgresSeconds: number;
  schemaSeconds: number;
  temporalStartSeconds: number;
  workersSeconds: number;
}

export interface Topology {
  processes: ProcessGroup;
  runDir: string;
  /** The environment every production process of ours runs with (secrets only here, never in argv). */
  productionEnv: NodeJS.ProcessEnv;
  operatorUrl: string;
  adminToken: string;
  gatewayUrl: string;
  moodleUrl: string;
  moodle: MoodleClient;
  erp: ErpnextClient;
  temporal: Client;
  workers: Started[];
  timings: StartTimings;
  serverCache: string;
  /** The run's trap: every process (newest first), then PostgreSQL. */
  stop(): Promise<void>;
}

const secret = (bytes: number) => randomBytes(bytes).toString('hex');

/** Only what a container would have: no variable of the developer's shell leaks into our processes. */
function baseEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR'];
  return Object.fromEntries(keep.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]]));
}

/** Whether 127.0.0.1:`port` can be listened on right now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Free ports below 32768, not the OS's ephemeral ones: Temporal's SQL schema keeps each
 * service's membership port in a `smallint` column (cluster_membership.rpc_port), and a port
 * above 32767 makes the server exit with 'value out of range for type smallint' at start.
 */
async function temporalPorts(): Promise<TemporalPorts> {
  const names = ['frontend', 'frontendHttp', 'frontendMembership', 'history', 'historyMembership', 'matching', 'matchingMembership', 'worker', 'workerMembership'] as const;
  const ports = new Set<number>();
  while (ports.size < names.length) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    if (!ports.has(candidate) && (await isFree(candidate))) ports.add(candidate);
  }
  const list = [...ports];
  return Object.fromEntries(names.map((name, i) => [name, list[i]])) as unknown as TemporalPorts;
}

/** Pollers per task queue, as the matching service reports them. */
async function pollerCount(client: Client, queue: string, type: temporal.api.enums.v1.TaskQueueType): Promise<number> {
  const answer = await client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: queue }, taskQueueType: type });
  return new Set((answer.pollers ?? []).map((poller) => poller.identity)).size;
}

/**
 * Brings up the production shape: PostgreSQL, the Temporal server built from source, Temporal's
 * schema, the namespace, both sandboxes as processes of their own, then (after `seed`, so the
 * demo data and the admits exist before the bridge is installed, as on a real site) `setup`, two
 * workers and the gateway, each started as the image starts them: `bin/campus-bridge <command>`.
 */
export async function startTopology(runDir: string, seed: (erp: ErpnextClient) => Promise<void>, log: (line: string) => void): Promise<Topology> {
  mkdirSync(runDir, { recursive: true });
  // PostgreSQL runs as the `postgres` user, who must be able to reach its data folder.
  chmodSync(runDir, 0o755);
  const processes = new ProcessGroup(runDir);
  const timings: Partial<StartTimings> = {};
  const cleanups: (() => Promise<void>)[] = [];
  try {
    log('building (or finding) the Temporal server ...');
    let since = performance.now();
    const serverCache = (await run('bash', [path.join(topologyScripts, 'build-temporal-server.sh')])).trim();
    const built = secondsSince(since);
    const recorded = Number(readFileSync(path.join(serverCache, 'build-seconds'), 'utf8'));
    timings.buildCached = built < recorded / 2;
    timings.buildSeconds = recorded;

    log('starting PostgreSQL ...');
    const postgresPort = await freePort();
    const pgData = path.join(runDir, 'postgres');
    since = performance.now();
    await run('bash', [path.join(topologyScripts, 'postgres.sh'), 'start', pgData, String(postgresPort)]);
    const stopPostgres = () => run('bash', [path.join(topologyScripts, 'postgres.sh'), 'stop', pgData]).then(() => undefined);
    cleanups.push(stopPostgres);
    timings.postgresSeconds = secondsSince(since);

    log('setting up Temporal schema with temporal-sql-tool ...');
    since = performance.now();
    await run('bash', [path.join(topologyScripts, 'temporal-schema.sh'), serverCache, String(postgresPort)]);
    timings.schemaSeconds = secondsSince(since);

    log('starting the Temporal server ...');
    const ports = await temporalPorts();
    const configFile = writeTemporalConfig(runDir, ports, postgresPort);
    since = performance.now();
    processes.start('temporal-server', path.join(serverCache, 'bin/temporal-server'), ['--config-file', configFile, '--allow-no-auth', 'start'], { env: baseEnv() });
    const temporalAddress = `127.0.0.1:${ports.frontend}`;
    const cli = (await run('bash', [path.join(repoRoot, 'scripts/temporal-cli.sh')])).trim();
    await eventually('Temporal cluster health', 120_000, async () => ((await run(cli, ['operator', 'cluster', 'health', '--address', temporalAddress])).includes('SERVING') ? true : undefined));
    await run(cli, ['operator', 'namespace', 'create', '--address', temporalAddress, '--namespace', namespace, '--retention', '72h']);
    timings.temporalStartSeconds = secondsSince(since);

    const credentials = { moodleToken: secret(16), erpnextKey: secret(8).slice(0, 15), erpnextSecret: secret(8).slice(0, 15) };
    const [moodlePort, erpnextPort, gatewayPort, operatorPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const sandboxEnv = { ...baseEnv(), SANDBOX_MOODLE_TOKEN: credentials.moodleToken, SANDBOX_ERPNEXT_API_KEY: credentials.erpnextKey, SANDBOX_ERPNEXT_API_SECRET: credentials.erpnextSecret };
    const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
    log('starting the Moodle and ERPNext sandboxes (one process each) ...');
    const sandboxes = (['moodle', 'erpnext'] as const).map((which) =>
      processes.start(`${which}-sandbox`, tsx, [path.join(__dirname, 'sandbox-process.ts'), which, String(which === 'moodle' ? moodlePort : erpnextPort)], { env: sandboxEnv }),
    );
    await Promise.all(sandboxes.map((sandbox) => sandbox.waitFor(/^ready /, 120_000)));
    const moodleUrl = `http://127.0.0.1:${moodlePort}`;
    const erpnextUrl = `http://127.0.0.1:${erpnextPort}`;
    const erp = createErpnextClient({ url: erpnextUrl, apiKey: credentials.erpnextKey, apiSecret: credentials.erpnextSecret });
    await seed(erp);

    const adminToken = secret(32);
    const productionEnv: NodeJS.ProcessEnv = {
      ...baseEnv(),
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      MOODLE_URL: moodleUrl,
      MOODLE_TOKEN: credentials.moodleToken,
      ERPNEXT_URL: erpnextUrl,
      ERPNEXT_API_KEY: credentials.erpnextKey,
      ERPNEXT_API_SECRET: credentials.erpnextSecret,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(gatewayPort),
      OPERATOR_PORT: String(operatorPort),
      ADMIN_TOKEN: adminToken,
      ERPNEXT_WEBHOOK_SECRET: secret(32),
    };
    const campusBridge = path.join(repoRoot, 'bin/campus-bridge');
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    log('campus-bridge setup (custom field and signed webhooks) ...');
    await run(campusBridge, ['setup', '--gateway-url', gatewayUrl], { env: productionEnv });

    log('starting two workers and the gateway ...');
    since = performance.now();
    // The first worker registers the search attributes on the new namespace; the second starts once
    // it has, so the two never race to add them.
    // In the memory bounds compose gives every worker service (src/temporal/worker-memory.ts).
    const workerEnv = { ...productionEnv, ...workerMemoryEnvironment };
    const first = processes.start('worker-1', campusBridge, ['worker'], { env: workerEnv });
    await first.waitFor(/"msg":"starting workers"/, 300_000);
    const second = processes.start('worker-2', campusBridge, ['worker'], { env: workerEnv });
    processes.start('gateway', campusBridge, ['gateway'], { env: productionEnv });
    const client = await connectTemporalClient(loadConfig('status', productionEnv));
    cleanups.push(() => client.connection.close());
    const { TASK_QUEUE_TYPE_WORKFLOW: WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY: ACTIVITY } = temporal.api.enums.v1.TaskQueueType;
    await eventually('two pollers on every task queue', 300_000, async () => {
      const counts = await Promise.all([
        pollerCount(client, taskQueues.workflows, WORKFLOW),
        pollerCount(client, taskQueues.moodle, ACTIVITY),
        pollerCount(client, taskQueues.erpnext, ACTIVITY),
      ]);
      return counts.every((n) => n >= 2) ? true : undefined;
    });
    await eventually('gateway /readyz', 60_000, async () => ((await fetch(`${gatewayUrl}/readyz`)).ok ? true : undefined));
    timings.workersSeconds = secondsSince(since);

    return {
      processes,
      runDir,
      productionEnv,
      operatorUrl: `http://127.0.0.1:${operatorPort}`,
      adminToken,
      gatewayUrl,
      moodleUrl,
      moodle: createMoodleClient({ url: moodleUrl, token: credentials.moodleToken }),
      erp,
      temporal: client,
      workers: [first, second],
      timings: timings as StartTimings,
      serverCache,
      async stop() {
        await client.connection.close().catch(() => undefined);
        await processes.stopAll();
        await stopPostgres();
      },
    };
  } catch (err) {
    await processes.stopAll();
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw err;
  }
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { developmentDefaults, loadConfig } from '../config/env';
import { loadMapping } from '../config/mapping-file';
import { provisionErpnext } from '../erpnext/provisioning/provision-erpnext';
import { startGateway } from '../gateway/server';
import { createLogger } from '../logging/logger';
import { applySchedules } from '../starters/nightly-schedules';
import { startDevServer } from '../temporal/dev-server';
import { installTemporalRuntime } from '../temporal/runtime';
import { createWorkers } from '../temporal/worker';
import { connectTemporalClient, connectWorkerConnection, erpnextClientFrom, workersFrom } from '../wiring/from-config';
// The sandboxes are the local stack's stand-ins for Moodle and ERPNext: only this command loads
// them (they are not in the production image).
import { addDemoTermActivity } from '../../sandboxes/demo-term-activity';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { devBanner } from './dev-banner';
import { assertPortFree } from './free-ports';
import { PidFile } from './pid-file';
import { shutdownSignal } from './shutdown-signal';

/**
 * Git-ignored folder for the local stack's state: Temporal's SQLite history, both sandboxes'
 * state files and pid files. Temporal and the sandboxes must be kept (or dropped) together: a
 * history that remembers onboarding a Student the re-seeded ERPNext names again makes the next
 * onboarding answer 'duplicate'.
 */
const defaultDataDir = path.resolve(__dirname, '../../.data');
const stateFilesIn = (dataDir: string) => ({
  temporal: path.join(dataDir, 'temporal.db'),
  moodle: path.join(dataDir, 'moodle-sandbox.json'),
  erpnext: path.join(dataDir, 'erpnext-sandbox.json'),
});

/**
 * Local-stack-only settings, so a second stack (the stop/start test) can run beside the first:
 * CAMPUS_BRIDGE_DATA_DIR (default .data) and the sandboxes' ports, which the workers then use.
 */
function localStack(env: NodeJS.ProcessEnv) {
  const sandboxUrl = (variable: string, fallback: string) => (env[variable]?.trim() ? `http://127.0.0.1:${Number(env[variable])}` : fallback);
  return {
    dataDir: env.CAMPUS_BRIDGE_DATA_DIR?.trim() ? path.resolve(env.CAMPUS_BRIDGE_DATA_DIR) : defaultDataDir,
    moodleSandboxUrl: sandboxUrl('DEV_MOODLE_SANDBOX_PORT', developmentDefaults.MOODLE_URL),
    erpnextSandboxUrl: sandboxUrl('DEV_ERPNEXT_SANDBOX_PORT', developmentDefaults.ERPNEXT_URL),
  };
}

/** Things started so far, stopped in reverse order: gateway, workers, sandboxes, Temporal. */
class StopStack {
  private readonly steps: { name: string; stop: () => Promise<void> | void }[] = [];

  push(name: string, stop: () => Promise<void> | void): void {
    this.steps.push({ name, stop });
  }

  async stopAll(report: (line: string) => void): Promise<boolean> {
    let clean = true;
    for (const step of this.steps.reverse()) {
      try {
        await step.stop();
      } catch (err) {
        clean = false;
        report(`stopping ${step.name} failed: ${(err as Error).message}`);
      }
    }
    this.steps.length = 0;
    return clean;
  }
}

function portOf(url: string): number {
  const parsed = new URL(url);
  return Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
}

export interface DevCommandOptions {
  env?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
  /** `--fresh`: forget Temporal's history and both sandboxes' state before starting. */
  fresh?: boolean;
}

/**
 * `campus-bridge dev` (`npm start`): the whole local stack in one process. Temporal dev server
 * (history kept in .data/temporal.db), the Moodle and ERPNext sandboxes (demo data on the first
 * start, with a term of activity from sandboxes/demo-term-activity.ts unless DEV_DEMO_TERM=off; their
 * state kept in .data/ after that) unless MOODLE_URL / ERPNEXT_URL point at real systems, the three workers, the gateway, ERPNext's
 * webhook setup (sandbox only) and the Schedules. Ctrl-C stops it all and exits 0.
 */
export async function devCommand(options: DevCommandOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => console.log(line));
  const realMoodle = Boolean(env.MOODLE_URL?.trim());
  const realErpnext = Boolean(env.ERPNEXT_URL?.trim());
  const { dataDir, moodleSandboxUrl, erpnextSandboxUrl } = localStack(env);
  const stateFiles = stateFilesIn(dataDir);
  const sandboxUrls = { ...(realMoodle ? {} : { MOODLE_URL: moodleSandboxUrl }), ...(realErpnext ? {} : { ERPNEXT_URL: erpnextSandboxUrl }) };
  const config = loadConfig('dev', { ...env, ...sandboxUrls }, { developmentDefaults: true });
  const mapping = loadMapping(config.MAPPING_FILE);
  const logger = createLogger({ level: config.LOG_LEVEL });
  installTemporalRuntime(logger);

  mkdirSync(dataDir, { recursive: true });
  const devPid = new PidFile(path.join(dataDir, 'dev.pid'), /src\/cli\.ts dev|campus-bridge dev/);
  const temporalPid = new PidFile(path.join(dataDir, 'temporal.pid'), /temporal.* server start-dev/);
  const running = devPid.livePid();
  if (running !== undefined && running !== process.pid) {
    throw new Error(`campus-bridge dev is already running (pid ${running}); stop it (Ctrl-C in its terminal, or kill ${running}) before starting another.`);
  }
  const stale = await temporalPid.stopLeftover();
  if (stale !== undefined) print(`Stopped the Temporal dev server (pid ${stale}) that an earlier run left behind.`);
  if (options.fresh) {
    // The dev server's SQLite keeps -wal/-shm files beside the database.
    for (const file of [stateFiles.temporal, `${stateFiles.temporal}-wal`, `${stateFiles.temporal}-shm`, stateFiles.moodle, stateFiles.erpnext]) rmSync(file, { force: true });
    print('--fresh: starting with empty Temporal history and freshly seeded sandboxes.');
  }

  const temporalPort = Number(config.TEMPORAL_ADDRESS.split(':').pop());
  const uiPort = temporalPort + 1000;
  const needed: [number, string, string][] = [
    [temporalPort, 'Temporal gRPC', 'stop that program or set TEMPORAL_ADDRESS to 127.0.0.1:<free port>.'],
    [uiPort, 'Temporal Web UI', 'stop that program or set TEMPORAL_ADDRESS to 127.0.0.1:<free port> (the UI uses that port + 1000).'],
    [config.GATEWAY_PORT, 'gateway', 'stop that program or set GATEWAY_PORT to a free port.'],
    [config.OPERATOR_PORT, 'gateway operator listener', 'stop that program or set OPERATOR_PORT to a free port.'],
  ];
  if (!realMoodle) needed.push([portOf(moodleSandboxUrl), 'Moodle sandbox', 'stop that program, or set MOODLE_URL to use a real Moodle.']);
  if (!realErpnext) needed.push([portOf(erpnextSandboxUrl), 'ERPNext sandbox', 'stop that program, or set ERPNEXT_URL to use a real ERPNext.']);
  for (const [port, purpose, hint] of needed) await assertPortFree(port, purpose, hint);

  // The Web UI sends a bearer token only to https endpoints, so it reaches the codec with a token
  // in the endpoint's path instead: a fresh one per run, known to this process and the UI only.
  const uiCodecToken = randomBytes(24).toString('base64url');
  const gatewayConfig = {
    ...config,
    GATEWAY_HOST: '127.0.0.1',
    OPERATOR_HOST: '127.0.0.1',
    CODEC_TOKENS: [...(config.CODEC_TOKENS ?? []), uiCodecToken],
    CODEC_UI_ORIGINS: config.CODEC_UI_ORIGINS ?? [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
    // The console links runs to this stack's own Web UI, wherever TEMPORAL_ADDRESS put it.
    TEMPORAL_UI_URL: env.TEMPORAL_UI_URL?.trim() ? config.TEMPORAL_UI_URL : `http://localhost:${uiPort}`,
  };

  devPid.write(process.pid);
  const started = new StopStack();
  started.push('pid file', () => devPid.remove());
  const stopped = shutdownSignal();
  try {
    print('Starting the Temporal dev server ...');
    const server = await startDevServer({
      port: temporalPort,
      uiPort,
      dbFilename: stateFiles.temporal,
      uiCodecEndpoint: config.PAYLOAD_ENCRYPTION_KEY || config.PAYLOAD_ENCRYPTION_KEYS ? `http://127.0.0.1:${config.OPERATOR_PORT}/codec/${uiCodecToken}` : undefined,
      detached: true,
    });
    if (server.process.pid !== undefined) temporalPid.write(server.process.pid);
    started.push('Temporal dev server', async () => {
      await server.stop();
      temporalPid.remove();
    });

    // Seeded now (not loaded from .data/): only then does the demo term go in, once.
    const freshlySeeded = !existsSync(stateFiles.moodle) && !existsSync(stateFiles.erpnext);
    let moodle: MoodleSandbox | undefined;
    let erpnext: ErpnextSandbox | undefined;
    if (!realMoodle) {
      moodle = await startMoodleSandbox({ port: portOf(moodleSandboxUrl), token: config.MOODLE_TOKEN, seed: 'demo', stateFile: stateFiles.moodle });
      started.push('Moodle sandbox', () => moodle!.close());
    }
    if (!realErpnext) {
      erpnext = await startErpnextSandbox({ port: portOf(erpnextSandboxUrl), apiKey: config.ERPNEXT_API_KEY, apiSecret: config.ERPNEXT_API_SECRET, seed: 'demo', stateFile: stateFiles.erpnext });
      started.push('ERPNext sandbox', () => erpnext!.close());
    }
    if (moodle && erpnext && freshlySeeded && demoTermWanted(env)) {
      // A term of grades, attendance, paid electives and payments, so the console's report pages
      // have something to show. Written before ERPNext's webhooks are set up, so none fire for it;
      // the state files take it on the sandboxes' next save (any write, and on stop).
      addDemoTermActivity({ moodle: moodle.state, erpnext: erpnext.state.site }, { now: new Date() });
      print('Loaded the demo term (grades, attendance, paid electives and payments) into both sandboxes.');
    }

    const temporal = await connectTemporalClient(config);
    started.push('Temporal client', () => temporal.connection.close());
    const connection = await connectWorkerConnection(config);
    started.push('worker connection', () => connection.close());

    print('Bundling workflows and starting the workers ...');
    const workers = await createWorkers(workersFrom(config, mapping, connection));
    const workersRunning = workers.run();
    started.push('workers', async () => {
      workers.shutdown();
      await workersRunning;
    });

    const gateway = await startGateway({ config: gatewayConfig, temporal, mapping, logger });
    started.push('gateway', () => gateway.close());

    if (!realErpnext) {
      // The stack stays useful without webhooks (admin API, schedules), so a failed setup is reported, not fatal.
      await provisionErpnext(erpnextClientFrom(config), { gatewayUrl: gateway.url, secret: config.ERPNEXT_WEBHOOK_SECRET, studentCustomFields: Object.keys(mapping.customFields) }).then(
        (report) => logger.info({ customField: report.customField, webhooks: report.webhooks.length }, 'ERPNext sandbox set up'),
        (err: Error) => print(`Warning: ERPNext sandbox setup failed, so its webhooks will not reach the gateway: ${err.message}`),
      );
    }
    await applySchedules(temporal, mapping).then(
      (applied) => applied.forEach(({ scheduleId, outcome }) => logger.info({ scheduleId, outcome }, 'schedule applied')),
      (err: Error) => print(`Warning: applying the Schedules failed: ${err.message}${encryptedHistoryHint(err)}`),
    );

    print(devBanner(config, { gatewayUrl: gateway.url, operatorUrl: gateway.operatorUrl, uiPort, realMoodle, realErpnext }));
    print('Press Ctrl-C to stop everything.');

    const outcome = await Promise.race([stopped.then((signal) => ({ signal })), workersRunning.then(() => ({ workersStopped: true }))]);
    print('signal' in outcome ? `${outcome.signal}: stopping ...` : 'The workers stopped on their own: stopping ...');
  } catch (err) {
    await started.stopAll(print);
    throw err;
  }
  const clean = await started.stopAll(print);
  print(clean ? 'Stopped.' : 'Stopped, with errors (above).');
  if (!clean) process.exitCode = 1;
}

/** DEV_DEMO_TERM=off starts the sandboxes with the demo institution only (no term of activity). */
function demoTermWanted(env: NodeJS.ProcessEnv): boolean {
  return !['off', '0', 'false', 'no'].includes(env.DEV_DEMO_TERM?.trim().toLowerCase() ?? '');
}

/** The SDK's words for a payload sealed by our codec and read without it. */
function encryptedHistoryHint(err: Error): string {
  return /Unknown encoding: binary\/encrypted/.test(err.message)
    ? ` (.data/temporal.db holds history written with PAYLOAD_ENCRYPTION_KEY set: start with the same key, or delete .data/temporal.db)`
    : '';
}

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { workflowBundleFiles } from '../../src/temporal/worker';
import { ProcessGroup, type Started } from '../topology/processes';

/*
 * The production worker (`campus-bridge worker`, src/commands/worker.ts) as a child process of
 * its own, on a workflow bundle built once (WORKFLOW_BUNDLE_DIR, as the image does), so a
 * restart takes seconds. `kill` is SIGKILL to its process group: no drain, no last completion
 * sent, as when a machine dies.
 */
const repoRoot = path.resolve(__dirname, '../..');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');

export interface WorkerSettings {
  temporalAddress: string;
  namespace: string;
  moodleUrl: string;
  erpnextUrl: string;
  credentials: { moodleToken: string; erpnextApiKey: string; erpnextApiSecret: string };
}

export interface WorkerProcess {
  /** Starts a worker and resolves once it has connected and begun polling. */
  start(): Promise<void>;
  /** SIGKILLs the running worker and waits for it to be gone. */
  kill(): Promise<void>;
  /** Stops whatever runs and removes the bundle and logs. */
  close(): Promise<void>;
}

export async function prepareWorkerProcess(settings: WorkerSettings): Promise<WorkerProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), 'chaos-worker-'));
  const bundleDir = path.join(dir, 'bundle');
  // Only the plain bundle (what `npm run bundle` writes first): these workers seal no payloads.
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('WARN') });
  mkdirSync(bundleDir);
  writeFileSync(path.join(bundleDir, workflowBundleFiles.plain), code);
  const group = new ProcessGroup(dir);
  // The test's own sandbox URLs and credentials replace any a developer's shell has set.
  const { MOODLE_URL: _m, ERPNEXT_URL: _e, MAPPING_FILE: _f, ...inherited } = process.env;
  const env = {
    ...inherited,
    TEMPORAL_ADDRESS: settings.temporalAddress,
    TEMPORAL_NAMESPACE: settings.namespace,
    MOODLE_URL: settings.moodleUrl,
    MOODLE_TOKEN: settings.credentials.moodleToken,
    ERPNEXT_URL: settings.erpnextUrl,
    ERPNEXT_API_KEY: settings.credentials.erpnextApiKey,
    ERPNEXT_API_SECRET: settings.credentials.erpnextApiSecret,
    WORKFLOW_BUNDLE_DIR: bundleDir,
    LOG_LEVEL: 'info',
  };
  let current: Started | undefined;
  let count = 0;
  return {
    async start() {
      current = group.start(`worker-${++count}`, tsx, ['src/cli.ts', 'worker'], { cwd: repoRoot, env });
      const started = current;
      await started.waitFor(/starting workers/, 60_000).catch((err: Error) => {
        // The folder goes with close(): the failure carries the log's end.
        throw new Error(`${err.message}\n${readFileSync(started.log, 'utf8').slice(-3_000)}`);
      });
    },
    async kill() {
      if (!current) return;
      group.kill(current);
      await current.exited;
      current = undefined;
    },
    async close() {
      await group.stopAll(5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { mappingSchema } from '../../src/config/mapping-file';
import { createErpnextClient } from '../../src/erpnext/client';
import { createRequestPacer } from '../../src/http/request-pacer';
import { createMoodleClient } from '../../src/moodle/client';
import { TaskQueueWorkers } from '../../src/temporal/task-queue-workers';
import { workerMemoryEnvironment } from '../../src/temporal/worker-memory';

/*
 * The three workers in a process of their own, so a bench measures the worker's memory (issue
 * #12's "worker RSS under 400 MB") apart from the sandboxes, proxies and the bench itself, as a
 * deployment runs it (`campus-bridge worker`). The parent forks this file and reads the peak RSS
 * the child samples. As in a deployment (WORKFLOW_BUNDLE_DIR), the child starts on a bundle made
 * beforehand: webpack run in the worker itself left about 100 MB of its heap in the worker's RSS.
 * It also runs in the deployment's memory bounds (src/temporal/worker-memory.ts).
 */

const workerProcessOptions = z.object({
  temporalAddress: z.string(),
  moodleUrl: z.string(),
  erpnextUrl: z.string(),
  /** Requests per second the workers' clients send to each system (their pacers; the queues cap activities from it). */
  rates: z.object({ moodle: z.number(), erpnext: z.number() }),
  /** The workflow bundle, written by the parent. */
  workflowBundlePath: z.string(),
});
export type WorkerProcessOptions = z.infer<typeof workerProcessOptions>;

const fromParent = z.discriminatedUnion('type', [z.object({ type: z.literal('stop') })]);
const fromChild = z.discriminatedUnion('type', [z.object({ type: z.literal('ready') }), z.object({ type: z.literal('stopped'), peakRssBytes: z.number() })]);

export interface WorkerProcess {
  /** Stops the workers (in-flight tasks finish or are handed back) and resolves to the child's peak RSS in bytes. */
  stop(): Promise<number>;
}

/** The worker process's memory bounds as the results print them. */
export const describeWorkerMemory = () => Object.entries(workerMemoryEnvironment).map(([name, value]) => `${name}=${value}`).join(' ');

/** Bundles the workflow code, forks the workers' process and resolves once it polls. */
export async function startWorkerProcess(options: Omit<WorkerProcessOptions, 'workflowBundlePath'>): Promise<WorkerProcess> {
  const bundleDir = await mkdtemp(path.join(os.tmpdir(), 'bench-workflows-'));
  const workflowBundlePath = path.join(bundleDir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('WARN') });
  await writeFile(workflowBundlePath, code);
  // In the memory bounds the deployment gives a worker (docker-compose.yml).
  const env = { ...process.env, ...workerMemoryEnvironment, NODE_OPTIONS: [process.env.NODE_OPTIONS, workerMemoryEnvironment.NODE_OPTIONS].filter(Boolean).join(' ') };
  const child: ChildProcess = fork(__filename, [JSON.stringify({ ...options, workflowBundlePath })], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.once('exit', () => void rm(bundleDir, { recursive: true, force: true }));
  const messages: z.infer<typeof fromChild>[] = [];
  const waiters: (() => void)[] = [];
  child.on('message', (message) => {
    messages.push(fromChild.parse(message));
    waiters.splice(0).forEach((wake) => wake());
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const next = async <T extends z.infer<typeof fromChild>['type']>(type: T) => {
    for (;;) {
      const found = messages.find((m) => m.type === type);
      if (found) return found as Extract<z.infer<typeof fromChild>, { type: T }>;
      const arrived = new Promise<void>((wake) => waiters.push(wake));
      const code = await Promise.race([arrived.then(() => undefined), exited]);
      if (code !== undefined) throw new Error(`the worker process exited (${code}) before it said ${type}`);
    }
  };
  await next('ready');
  return {
    async stop() {
      child.send({ type: 'stop' });
      const { peakRssBytes } = await next('stopped');
      await exited;
      return peakRssBytes;
    },
  };
}

async function runAsChild(options: WorkerProcessOptions): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  // What the memory is, every 5 s: the JS heap (workflow cache, activity results) against the rest (the core's buffers, code).
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  const breakdown = process.env.BENCH_VERBOSE
    ? setInterval(() => {
        const m = process.memoryUsage();
        console.log(`  worker: rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB, external ${mb(m.external)} MB, arrayBuffers ${mb(m.arrayBuffers)} MB`);
      }, 5000)
    : undefined;
  const mapping = mappingSchema.parse({});
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const workers = await TaskQueueWorkers.create({
    connection,
    namespace: 'default',
    workflows: { workflowBundle: { codePath: options.workflowBundlePath } },
    activities: createActivities({
      // Paced as a deployment's clients are (src/wiring/from-config.ts): the pacer keeps each system's request rate.
      moodle: createMoodleClient({ url: options.moodleUrl, token: 'dev-moodle-token', pacer: createRequestPacer({ perSecond: options.rates.moodle }) }),
      erpnext: createErpnextClient({ url: options.erpnextUrl, apiKey: 'dev-key', apiSecret: 'dev-secret', pacer: createRequestPacer({ perSecond: options.rates.erpnext }) }),
      mapping,
    }),
    rates: options.rates,
    maxCachedWorkflows: process.env.BENCH_WORKER_CACHE ? Number(process.env.BENCH_WORKER_CACHE) : undefined,
    shutdownGraceTime: '2s',
  });
  const running = workers.run();
  process.on('message', (message) => {
    if (fromParent.parse(message).type === 'stop') workers.shutdown();
  });
  process.send?.({ type: 'ready' });
  await running;
  clearInterval(sampler);
  clearInterval(breakdown);
  await connection.close();
  process.send?.({ type: 'stopped', peakRssBytes: Math.max(peakRss, process.memoryUsage().rss) }, () => process.exit(0));
}

if (require.main === module) {
  runAsChild(workerProcessOptions.parse(JSON.parse(process.argv[2] ?? '{}'))).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

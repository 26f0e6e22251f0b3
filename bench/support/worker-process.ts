import { fork, type ChildProcess } from 'node:child_process';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { mappingSchema } from '../../src/config/mapping-file';
import { createErpnextClient } from '../../src/erpnext/client';
import { createMoodleClient } from '../../src/moodle/client';
import { TaskQueueWorkers } from '../../src/temporal/task-queue-workers';

/*
 * The three workers in a process of their own, so a bench measures the worker's memory (issue
 * #12's "worker RSS under 400 MB") apart from the sandboxes, proxies and the bench itself, as a
 * deployment runs it (`campus-bridge worker`). The parent forks this file and reads the peak RSS
 * the child samples.
 */

const workerProcessOptions = z.object({
  temporalAddress: z.string(),
  moodleUrl: z.string(),
  erpnextUrl: z.string(),
  /** Activities per second on each system's queue. */
  rates: z.object({ moodle: z.number(), erpnext: z.number() }),
});
export type WorkerProcessOptions = z.infer<typeof workerProcessOptions>;

const fromParent = z.discriminatedUnion('type', [z.object({ type: z.literal('stop') })]);
const fromChild = z.discriminatedUnion('type', [z.object({ type: z.literal('ready') }), z.object({ type: z.literal('stopped'), peakRssBytes: z.number() })]);

export interface WorkerProcess {
  /** Stops the workers (in-flight tasks finish or are handed back) and resolves to the child's peak RSS in bytes. */
  stop(): Promise<number>;
}

/** Forks the workers' process and resolves once it polls. */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const child: ChildProcess = fork(__filename, [JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
  const mapping = mappingSchema.parse({});
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('WARN') });
  const workers = await TaskQueueWorkers.create({
    connection,
    namespace: 'default',
    workflows: { workflowBundle: { code } },
    activities: createActivities({
      moodle: createMoodleClient({ url: options.moodleUrl, token: 'dev-moodle-token' }),
      erpnext: createErpnextClient({ url: options.erpnextUrl, apiKey: 'dev-key', apiSecret: 'dev-secret' }),
      mapping,
    }),
    rates: options.rates,
    shutdownGraceTime: '2s',
  });
  const running = workers.run();
  process.on('message', (message) => {
    if (fromParent.parse(message).type === 'stop') workers.shutdown();
  });
  process.send?.({ type: 'ready' });
  await running;
  clearInterval(sampler);
  await connection.close();
  process.send?.({ type: 'stopped', peakRssBytes: Math.max(peakRss, process.memoryUsage().rss) }, () => process.exit(0));
}

if (require.main === module) {
  runAsChild(workerProcessOptions.parse(JSON.parse(process.argv[2] ?? '{}'))).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

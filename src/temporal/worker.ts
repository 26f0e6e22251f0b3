import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter, Duration } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Mapping } from '../config/mapping-file';
import type { ErpnextClient } from '../erpnext/client';
import type { MoodleClient } from '../moodle/client';
import { TaskQueueWorkers } from './task-queue-workers';

export interface RunWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  moodle: MoodleClient;
  erpnext: ErpnextClient;
  mapping: Mapping;
  /** Each system's request rate (MOODLE_RATE_PER_SECOND, ERPNEXT_RATE_PER_SECOND): the clients pace to it, the queues cap activities at a multiple (task-queue-workers.ts). */
  rates: { moodle: number; erpnext: number };
  /** Aborting it shuts the workers down gracefully. */
  signal?: AbortSignal;
  shutdownGraceTime?: Duration;
  dataConverter?: DataConverter;
  /** The folder `npm run bundle` wrote (WORKFLOW_BUNDLE_DIR, set in the image); unset, workflows/index.ts is bundled at start. */
  workflowBundleDir?: string;
}

/** What `npm run bundle` writes: the failure converter is compiled into a bundle, so there is one of each. */
export const workflowBundleFiles = { plain: 'workflow-bundle.js', sealedFailures: 'workflow-bundle-sealed-failures.js' } as const;

/**
 * Where the workflow code comes from: a prebuilt bundle when a folder is named (the one with the
 * sealed-failure converter when payloads are encrypted), else a bundle made now from the sources.
 * Only an explicit folder selects a bundle: a dist/ left over from an earlier build would
 * otherwise run stale workflow code in development without a word.
 */
export function workflowCode(bundleDir: string | undefined, dataConverter: DataConverter | undefined): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  if (bundleDir === undefined) return { workflowsPath: require.resolve('../../workflows') };
  const codePath = path.resolve(bundleDir, dataConverter?.failureConverterPath ? workflowBundleFiles.sealedFailures : workflowBundleFiles.plain);
  if (!existsSync(codePath)) throw new Error(`WORKFLOW_BUNDLE_DIR: no workflow bundle at ${codePath} (npm run bundle -- <folder> writes it)`);
  return { workflowBundle: { codePath } };
}

/** Builds the three workers with the real activities, on the prebuilt bundle or `workflows/index.ts`. */
export function createWorkers(options: Omit<RunWorkersOptions, 'signal'>): Promise<TaskQueueWorkers> {
  return TaskQueueWorkers.create({
    connection: options.connection,
    namespace: options.namespace,
    workflows: workflowCode(options.workflowBundleDir, options.dataConverter),
    activities: createActivities(options),
    rates: options.rates,
    shutdownGraceTime: options.shutdownGraceTime,
    dataConverter: options.dataConverter,
  });
}

/** Runs the workflow, moodle and erpnext workers until `signal` aborts and they have drained. */
export async function runWorkers(options: RunWorkersOptions): Promise<void> {
  const workers = await createWorkers(options);
  const running = workers.run();
  if (options.signal?.aborted) workers.shutdown();
  options.signal?.addEventListener('abort', () => workers.shutdown(), { once: true });
  await running;
}

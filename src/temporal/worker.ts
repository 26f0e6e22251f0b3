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
  /** Activities per second on each system's queue (MOODLE_RATE_PER_SECOND, ERPNEXT_RATE_PER_SECOND). */
  rates: { moodle: number; erpnext: number };
  /** Aborting it shuts the workers down gracefully. */
  signal?: AbortSignal;
  shutdownGraceTime?: Duration;
  dataConverter?: DataConverter;
}

/** Bundles `workflows/index.ts` and builds the three workers with the real activities. */
export function createWorkers(options: Omit<RunWorkersOptions, 'signal'>): Promise<TaskQueueWorkers> {
  return TaskQueueWorkers.create({
    connection: options.connection,
    namespace: options.namespace,
    workflows: { workflowsPath: require.resolve('../../workflows') },
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

import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter, Duration } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import Long from 'long';
import pino, { type Logger } from 'pino';
import { registerSearchAttributes } from '../../src/temporal/register-search-attributes';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { TaskQueueWorkers } from '../../src/temporal/task-queue-workers';

/** A client and a worker connection on the run's dev server, in a namespace of their own. */
export interface TemporalTestEnv {
  client: Client;
  connection: NativeConnection;
  namespace: string;
  close(): Promise<void>;
}

export function temporalAddress(): string {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run the tests through jest, whose global setup starts Temporal');
  return address;
}

let runtimeInstalled = false;

/**
 * Worker logs at ERROR (TEST_LOG_LEVEL to change), so the retries that fault-injection tests
 * provoke on purpose do not bury real failures; one runtime per test file (module registry).
 */
function installQuietRuntime(logger?: Logger, metricsAddress?: string): void {
  if (runtimeInstalled) return;
  installTemporalRuntime(logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'error' }, pino.destination(2)), { metricsAddress });
  runtimeInstalled = true;
}

/**
 * Connects to the dev server in a fresh namespace. Test files run in parallel and workflows use
 * fixed task queue names (`moodle`, `erpnext`), so a namespace per file keeps one file's workers
 * from taking another file's tasks. Call in `beforeAll`, `close()` in `afterAll`. `runtimeLogger`
 * (the file's first call only: one runtime per process) receives the SDK's, workers' and activities' logs;
 * `runtimeMetricsAddress` (likewise) is where the runtime serves its Prometheus metrics.
 */
export async function connectTestEnv(options: { runtimeLogger?: Logger; runtimeMetricsAddress?: string } = {}): Promise<TemporalTestEnv> {
  installQuietRuntime(options.runtimeLogger, options.runtimeMetricsAddress);
  const address = temporalAddress();
  const namespace = `test-${randomUUID()}`;
  const clientConnection = await Connection.connect({ address });
  await clientConnection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(24 * 3600) } });
  await registerSearchAttributes(clientConnection, namespace);
  const connection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection: clientConnection, namespace }),
    connection,
    namespace,
    close: async () => {
      await connection.close();
      await clientConnection.close();
    },
  };
}

/** Bundles workflow code once per test file (bundling per worker is slow); defaults to `workflows/index.ts`. */
export async function bundleWorkflows(workflowsPath: string = require.resolve('../../workflows')): Promise<WorkflowBundle> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  return { code };
}

export interface TestWorkersOptions {
  workflowBundle: WorkflowBundle;
  /** Activities the workflows queue runs (Temporal visibility reads); omit when the test schedules none. */
  workflows?: object;
  /** Activities for the moodle queue; omit when the test schedules none. */
  moodle?: object;
  /** Activities for the erpnext queue; omit when the test schedules none. */
  erpnext?: object;
  rates?: { moodle?: number; erpnext?: number };
  shutdownGraceTime?: Duration;
  /** The same converter (e.g. the payload codec) the test's client uses. */
  dataConverter?: DataConverter;
}

/** Builds the three workers (workflows, moodle, erpnext queues) in the test env's namespace. */
export function createTestWorkers(env: TemporalTestEnv, options: TestWorkersOptions): Promise<TaskQueueWorkers> {
  return TaskQueueWorkers.create({
    connection: env.connection,
    namespace: env.namespace,
    workflows: { workflowBundle: options.workflowBundle },
    activities: { workflows: options.workflows, moodle: options.moodle ?? {}, erpnext: options.erpnext ?? {} },
    rates: options.rates,
    shutdownGraceTime: options.shutdownGraceTime ?? '1s',
    dataConverter: options.dataConverter,
  });
}

/** Runs the three workers while `body` runs, then shuts them down; returns what `body` returned. */
export async function withWorkers<T>(env: TemporalTestEnv, options: TestWorkersOptions, body: () => Promise<T>): Promise<T> {
  const workers = await createTestWorkers(env, options);
  return workers.runUntil(body());
}

/** In-memory stand-ins for some of an activity interface: a test fills in what its workflow calls. */
export type Fakes<T> = { [K in keyof T]?: T[K] };

/** The product's workflows on the dev server, in a namespace of the test file's own. */
export interface WorkflowsOnDevServer {
  /** The file's client (valid once beforeAll has run). */
  readonly client: Client;
  /** Runs the product's workflows with these activities (real or fake) while `body` runs. */
  withWorkers<T>(activities: Omit<TestWorkersOptions, 'workflowBundle'>, body: () => Promise<T>): Promise<T>;
}

/**
 * For a file of workflow tests: registers its beforeAll (a test env, the bundled workflows) and
 * afterAll (closing the env), and returns what its tests use of them.
 */
export function workflowsOnDevServer(): WorkflowsOnDevServer {
  let env: TemporalTestEnv | undefined;
  let workflowBundle: WorkflowBundle | undefined;
  beforeAll(async () => {
    [env, workflowBundle] = await Promise.all([connectTestEnv(), bundleWorkflows()]);
  }, 120_000);
  afterAll(async () => env?.close());
  const ready = () => {
    if (!env || !workflowBundle) throw new Error('workflowsOnDevServer() is used before its beforeAll has run');
    return { env, workflowBundle };
  };
  return {
    get client() {
      return ready().env.client;
    },
    withWorkers(activities, body) {
      const { env: testEnv, workflowBundle: bundle } = ready();
      return withWorkers(testEnv, { ...activities, workflowBundle: bundle }, body);
    },
  };
}

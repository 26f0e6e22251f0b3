import { loadConfig } from '../config/env';
import { loadMapping } from '../config/mapping-file';
import { createLogger } from '../logging/logger';
import { installTemporalRuntime } from '../temporal/runtime';
import { runWorkers } from '../temporal/worker';
import { connectWorkerConnection, registerSearchAttributesFrom, workersFrom } from '../wiring/from-config';
import { shutdownSignal } from './shutdown-signal';

/**
 * `campus-bridge worker`: the three workers against a configured Temporal, Moodle and ERPNext
 * (production: every variable it reads must be set). Registers the search attributes first, since
 * a fresh cluster has none and starts that set them would fail. SIGINT/SIGTERM drains and exits 0.
 */
export async function workerCommand(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig('worker', env);
  const mapping = loadMapping(config.MAPPING_FILE);
  const logger = createLogger({ level: config.LOG_LEVEL });
  installTemporalRuntime(logger, { metricsAddress: config.WORKER_METRICS_ADDRESS });

  const added = await registerSearchAttributesFrom(config);
  if (added.length > 0) logger.info({ added }, 'registered search attributes');

  const connection = await connectWorkerConnection(config);
  const stop = new AbortController();
  void shutdownSignal().then((signal) => {
    logger.info({ signal }, 'draining workers');
    stop.abort();
  });
  logger.info({ temporal: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE }, 'starting workers');
  try {
    await runWorkers({ ...workersFrom(config, mapping, connection), workflowBundleDir: config.WORKFLOW_BUNDLE_DIR, signal: stop.signal });
  } finally {
    await connection.close();
  }
  logger.info('workers stopped');
}

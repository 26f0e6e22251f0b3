import { Connection } from '@temporalio/client';
import { loadConfig } from '../config/env';
import { loadMapping } from '../config/mapping-file';
import { createErpnextClient } from '../erpnext/client';
import { createLogger } from '../logging/logger';
import { createMoodleClient } from '../moodle/client';
import { connectWorkerConnection, temporalTarget } from '../temporal/connection';
import { registerSearchAttributes } from '../temporal/register-search-attributes';
import { installTemporalRuntime } from '../temporal/runtime';
import { runWorkers } from '../temporal/worker';
import { shutdownSignal } from './shutdown-signal';

/**
 * `campus-bridge worker`: the three workers against a configured Temporal, Moodle and ERPNext
 * (production: every variable must be set). Registers the search attributes first, since a fresh
 * cluster has none and starts that set them would fail. SIGINT/SIGTERM drains and exits 0.
 */
export async function workerCommand(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  installTemporalRuntime(logger);

  const operator = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const added = await registerSearchAttributes(operator, config.TEMPORAL_NAMESPACE);
    if (added.length > 0) logger.info({ added }, 'registered search attributes');
  } finally {
    await operator.close();
  }

  const connection = await connectWorkerConnection({ address: config.TEMPORAL_ADDRESS });
  const stop = new AbortController();
  void shutdownSignal().then((signal) => {
    logger.info({ signal }, 'draining workers');
    stop.abort();
  });
  logger.info({ temporal: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE }, 'starting workers');
  try {
    await runWorkers({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      moodle: createMoodleClient({ url: config.MOODLE_URL, token: config.MOODLE_TOKEN }),
      erpnext: createErpnextClient({ url: config.ERPNEXT_URL, apiKey: config.ERPNEXT_API_KEY, apiSecret: config.ERPNEXT_API_SECRET }),
      mapping: loadMapping(config.MAPPING_FILE),
      rates: { moodle: config.MOODLE_RATE_PER_SECOND, erpnext: config.ERPNEXT_RATE_PER_SECOND },
      dataConverter: temporalTarget(config).dataConverter,
      signal: stop.signal,
    });
  } finally {
    await connection.close();
  }
  logger.info('workers stopped');
}

import { loadConfig } from '../config/env';
import { loadMapping } from '../config/mapping-file';
import { startGateway } from '../gateway/server';
import { createLogger } from '../logging/logger';
import { connectTemporalClient } from '../wiring/from-config';
import { shutdownSignal } from './shutdown-signal';

/**
 * `campus-bridge gateway`: the HTTP gateway against a configured Temporal (production: every
 * variable it reads must be set; it needs no Moodle or ERPNext credentials). SIGINT/SIGTERM stops
 * accepting, finishes open requests, exits 0.
 */
export async function gatewayCommand(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig('gateway', env);
  const mapping = loadMapping(config.MAPPING_FILE);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const temporal = await connectTemporalClient(config);
  const gateway = await startGateway({ config, temporal, mapping, logger });
  const signal = await shutdownSignal();
  logger.info({ signal }, 'stopping gateway');
  await gateway.close();
  await temporal.connection.close();
}

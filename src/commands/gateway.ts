import { loadConfig } from '../config/env';
import { loadMapping } from '../config/mapping-file';
import { createLogger } from '../logging/logger';
import { startGateway } from '../gateway/server';
import { connectClient, temporalTarget } from '../temporal/connection';
import { shutdownSignal } from './shutdown-signal';

/**
 * `campus-bridge gateway`: the HTTP gateway against a configured Temporal (production: every
 * variable must be set). SIGINT/SIGTERM stops accepting, finishes open requests, exits 0.
 */
export async function gatewayCommand(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const temporal = await connectClient(temporalTarget(config));
  const gateway = await startGateway({ config, temporal, mapping: loadMapping(config.MAPPING_FILE), logger });
  const signal = await shutdownSignal();
  logger.info({ signal }, 'stopping gateway');
  await gateway.close();
  await temporal.connection.close();
}

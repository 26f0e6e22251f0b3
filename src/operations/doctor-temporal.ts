import { Connection } from '@temporalio/client';
import type { TemporalEnv } from '../config/env';
import { searchAttributes } from '../common/search-attributes';
import { temporalTlsFrom } from '../wiring/from-config';
import { blocker, ok, unreachable, type Check } from './checks';

/** Temporal reachable, and our search attributes registered in the namespace (an unregistered key fails every start). */
export async function temporalChecks(config: TemporalEnv): Promise<Check[]> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, tls: temporalTlsFrom(config), apiKey: config.TEMPORAL_API_KEY, connectTimeout: 5_000 });
  } catch (err) {
    return [unreachable('temporal', 'reachable', err, `start Temporal or fix TEMPORAL_ADDRESS (${config.TEMPORAL_ADDRESS}) and its TLS settings`)];
  }
  try {
    const checks: Check[] = [];
    try {
      const info = await connection.workflowService.getSystemInfo({});
      checks.push(ok('temporal', 'reachable', `${config.TEMPORAL_ADDRESS}, server ${info.serverVersion || 'version not reported'}`));
    } catch (err) {
      return [unreachable('temporal', 'reachable', err, `start Temporal or fix TEMPORAL_ADDRESS (${config.TEMPORAL_ADDRESS})`)];
    }
    try {
      const listed = await connection.operatorService.listSearchAttributes({ namespace: config.TEMPORAL_NAMESPACE });
      const known = new Set(Object.keys(listed.customAttributes ?? {}));
      const missing = searchAttributes.filter((key) => !known.has(key.name)).map((key) => key.name);
      checks.push(
        missing.length === 0
          ? ok('temporal', 'search attributes', `${searchAttributes.map((k) => k.name).join(', ')} registered in ${config.TEMPORAL_NAMESPACE}`)
          : blocker('temporal', 'search attributes', `missing in namespace ${config.TEMPORAL_NAMESPACE}: ${missing.join(', ')}`, 'start `campus-bridge worker` once (it registers them) or `temporal operator search-attribute create`'),
      );
    } catch (err) {
      checks.push(unreachable('temporal', 'search attributes', err, `check that namespace ${config.TEMPORAL_NAMESPACE} exists`));
    }
    return checks;
  } finally {
    await connection.close();
  }
}

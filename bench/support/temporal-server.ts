import { Connection } from '@temporalio/client';
import { startDevServer } from '../../src/temporal/dev-server';
import { registerSearchAttributes } from '../../src/temporal/register-search-attributes';
import { freePort } from '../../test/support/free-port';

/** The Temporal server a bench runs against, and how its conditions name it. */
export interface BenchTemporalServer {
  address: string;
  description: string;
  stop(): Promise<void>;
}

/**
 * By default a dev server of the bench's own (`temporal server start-dev`, SQLite in memory).
 * `BENCH_TEMPORAL_ADDRESS` names a server you run instead (a production cluster, or the
 * PostgreSQL-backed server `npm run test:topology` builds), whose `default` namespace the bench
 * uses after registering the bridge's search attributes. The benches' workflow ids repeat from run
 * to run (`onboard:<Student>`), so each run wants a namespace no earlier run used.
 */
export async function startBenchTemporalServer(): Promise<BenchTemporalServer> {
  const external = process.env.BENCH_TEMPORAL_ADDRESS;
  if (!external) {
    const server = await startDevServer({ port: await freePort() });
    return { address: server.address, description: 'temporal server start-dev (SQLite in memory)', stop: () => server.stop() };
  }
  const connection = await Connection.connect({ address: external });
  try {
    await registerSearchAttributes(connection, 'default');
  } finally {
    await connection.close();
  }
  return { address: external, description: `the Temporal server at ${external} (BENCH_TEMPORAL_ADDRESS), namespace default`, stop: async () => undefined };
}

import { startDevServer } from '../../src/temporal/dev-server';
import { freePort } from './free-port';

/** One real Temporal dev server for the whole run; tests read its address from the environment. */
export default async function globalSetup(): Promise<void> {
  const server = await startDevServer({ port: await freePort() });
  process.env.TEMPORAL_ADDRESS = server.address;
  (globalThis as { temporalDevServer?: typeof server }).temporalDevServer = server;
}

import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { freePort } from './free-port';

/**
 * A free port can be taken between our probe and the server's bind (other test runs share the
 * machine), and the server then exits at once; a fresh port is the remedy, a few times at most.
 */
async function startOnFreePort(attempts = 3): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      // Each test file makes its namespace and attributes (support/temporal.ts) and starts at once.
      return await startDevServer({ port: await freePort(), attributesReadThrough: true });
    } catch (err) {
      if (attempt >= attempts || !/before it was ready/.test((err as Error).message)) throw err;
    }
  }
}

/** One real Temporal dev server for the whole run; tests read its address from the environment. */
export default async function globalSetup(): Promise<void> {
  const server = await startOnFreePort();
  process.env.TEMPORAL_ADDRESS = server.address;
  (globalThis as { temporalDevServer?: typeof server }).temporalDevServer = server;
}

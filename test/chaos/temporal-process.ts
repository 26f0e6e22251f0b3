import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { freePort } from '../support/free-port';

/**
 * A Temporal dev server of the scenario's own (never the run's global one, which other test files
 * share), its history in a SQLite file in a temporary folder: it can be stopped and started again
 * on the same port and file, as an operator restarts a cluster, and keeps every run it held.
 */
export interface OwnTemporal {
  address: string;
  /** SIGTERM, as a restart or a crash-free outage does; the file stays. */
  stop(): Promise<void>;
  /** The same port and file again; resolves once it answers gRPC. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

export async function startOwnTemporal(): Promise<OwnTemporal> {
  const dir = mkdtempSync(path.join(tmpdir(), 'chaos-temporal-'));
  const dbFilename = path.join(dir, 'temporal.db');
  const port = await freePort();
  let server: DevServer | undefined = await startDevServer({ port, dbFilename });
  return {
    address: server.address,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server = await startDevServer({ port, dbFilename });
    },
    async close() {
      await server?.stop();
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

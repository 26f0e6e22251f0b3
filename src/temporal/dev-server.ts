import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { temporalCliPath } from './cli-binary';
import { devServerSearchAttributeArgs } from '../common/search-attributes';

export interface DevServerOptions {
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file that keeps history across restarts; omit for in-memory. */
  dbFilename?: string;
  /** Where the server's own log lines go. */
  stdio?: 'inherit' | 'ignore';
  readyTimeoutMs?: number;
  /** Codec endpoint the Web UI calls to decode payloads. */
  uiCodecEndpoint?: string;
  /**
   * Read search attributes through on every use, as the CLI does by default: for a server whose
   * namespaces are made, with their attributes, while it runs and used the same moment (each test
   * file's). Without it a new namespace's attributes take up to about 2 s to be accepted.
   */
  attributesReadThrough?: boolean;
  /** Port for the server's Prometheus `/metrics`; omit for a random one nobody reads. */
  metricsPort?: number;
  /** Server dynamic config, e.g. a low `limit.historyCount.suggestContinueAsNew` to provoke continue-as-new. */
  dynamicConfig?: Record<string, string | number>;
  /**
   * Own process group: Ctrl-C in a terminal then reaches only our process, which stops the server
   * after the workers have drained instead of the server dying under them.
   */
  detached?: boolean;
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The CLI's dev server reads search attributes through to SQLite on every use unless told
 * otherwise, so that one created at run time works at once; it then reads the cluster metadata and
 * the namespace, under one global lock, for every start, upsert and visibility query
 * (temporalio/temporal: common/searchattribute/manager.go, common/namespace/nsregistry/registry.go).
 * We keep the cache a production server keeps unless the caller needs read-through. Measured in
 * docs/temporal.md §7b.
 */
const readThroughKey = 'system.forceSearchAttributesCacheRefreshOnRead';

/** Starts `temporal server start-dev` with our search attributes and waits until it answers gRPC. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const address = `127.0.0.1:${options.port}`;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  args.push(...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  if (options.metricsPort) args.push('--metrics-port', String(options.metricsPort));
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  for (const [key, value] of Object.entries({ [readThroughKey]: String(options.attributesReadThrough ?? false), ...options.dynamicConfig })) args.push('--dynamic-config-value', `${key}=${value}`);
  args.push(...devServerSearchAttributeArgs());

  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', options.stdio ?? 'ignore', options.stdio ?? 'ignore'], detached: options.detached });
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`temporal server start-dev ${exited} before it was ready (is port ${options.port} taken?)`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return { address, process: child, stop };
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`Temporal dev server on ${address} did not answer within the timeout`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

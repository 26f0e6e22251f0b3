import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { PortInUseError } from '../errors/port-in-use';
import { buildApp, type AppDependencies } from './app';

export interface Gateway {
  app: FastifyInstance;
  url: string;
  /** Stops accepting connections, lets in-flight requests finish, then closes route resources. */
  close(): Promise<void>;
}

/** Builds the app and listens on GATEWAY_PORT (0 = any free port; all interfaces unless `host` is given). */
export async function startGateway(deps: AppDependencies & { host?: string }): Promise<Gateway> {
  const app = await buildApp(deps);
  const port = deps.config.GATEWAY_PORT;
  try {
    await app.listen({ port, host: deps.host ?? '0.0.0.0' });
  } catch (err) {
    await app.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(port, 'gateway', 'stop that program or set GATEWAY_PORT to a free port.');
    }
    throw err;
  }
  const { port: listening } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${listening}`, close: () => app.close() };
}

import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/env';
import { PortInUseError } from '../errors/port-in-use';
import { createGatewayMetrics } from './metrics';
import { buildOperatorApp, type OperatorAppDependencies } from './operator-app';
import { buildPublicApp, type PublicAppDependencies } from './public-app';

export type GatewayDependencies = Omit<PublicAppDependencies & OperatorAppDependencies, 'metrics' | 'config'> & {
  config: PublicAppDependencies['config'] & OperatorAppDependencies['config'];
  logger?: Logger;
};

export interface GatewayApps {
  /** Webhooks and health: GATEWAY_PORT. */
  publicApp: FastifyInstance;
  /** Admin API, codec, metrics: OPERATOR_PORT. */
  operatorApp: FastifyInstance;
  close(): Promise<void>;
}

/** Both listeners' apps, counting into one metrics registry; not listening yet. */
export async function buildGateway(deps: GatewayDependencies): Promise<GatewayApps> {
  const metrics = createGatewayMetrics({ temporal: deps.temporal });
  const publicApp = await buildPublicApp({ ...deps, metrics });
  const operatorApp = await buildOperatorApp({ ...deps, metrics });
  return { publicApp, operatorApp, close: async () => void (await Promise.all([publicApp.close(), operatorApp.close()])) };
}

export interface Gateway extends GatewayApps {
  /** Where ERPNext's webhooks go. */
  url: string;
  /** Where operators, the Web UI's codec calls and Prometheus go. */
  operatorUrl: string;
}

async function listen(app: FastifyInstance, port: number, host: string, purpose: string, variable: string): Promise<string> {
  try {
    await app.listen({ port, host });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port, purpose, `stop that program or set ${variable} to a free port.`);
    throw err;
  }
  const { port: listening } = app.server.address() as AddressInfo;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${listening}`;
}

/**
 * Builds both apps and listens: the public one on GATEWAY_HOST:GATEWAY_PORT, the operator one on
 * OPERATOR_HOST:OPERATOR_PORT (0 = any free port). Closing stops accepting, lets in-flight requests
 * finish, then closes route resources.
 */
export async function startGateway(deps: GatewayDependencies & { config: Pick<GatewayConfig, 'GATEWAY_PORT' | 'GATEWAY_HOST' | 'OPERATOR_PORT' | 'OPERATOR_HOST'> }): Promise<Gateway> {
  const apps = await buildGateway(deps);
  const { config } = deps;
  try {
    const url = await listen(apps.publicApp, config.GATEWAY_PORT, config.GATEWAY_HOST, 'gateway', 'GATEWAY_PORT');
    const operatorUrl = await listen(apps.operatorApp, config.OPERATOR_PORT, config.OPERATOR_HOST, 'gateway operator listener', 'OPERATOR_PORT');
    return { ...apps, url, operatorUrl };
  } catch (err) {
    await apps.close();
    throw err;
  }
}

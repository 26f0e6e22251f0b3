import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** The ports one Temporal server process takes: every service's gRPC and membership port. */
export interface TemporalPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

/**
 * A server config in the shape of the module's own `config/development-postgres12.yaml` (all four
 * services in one process, SQL persistence and SQL visibility on PostgreSQL), with free ports and
 * the private cluster's address. Four history shards, as there: the shard count is fixed for a
 * cluster's life, and four is plenty for one machine. Returns the config file's path.
 */
export function writeTemporalConfig(dir: string, ports: TemporalPorts, postgresPort: number): string {
  const datastore = (database: string, maxConns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "127.0.0.1:${postgresPort}"
        connectProtocol: "tcp"
        user: "temporal"
        password: "temporal"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (grpc: number, membership: number, extra = '') => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  const dynamicConfig = path.join(dir, 'dynamicconfig.yaml');
  // Production defaults throughout; the file only has to exist. (The cache-bypassing test
  // settings stay off, so a new namespace or search attribute takes the server's usual seconds.)
  writeFileSync(dynamicConfig, '# production defaults\n');
  const yaml = `log:
  stdout: true
  level: warn

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:${datastore('temporal', 20)}
    postgres-visibility:${datastore('temporal_visibility', 10)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"

services:
  frontend:${service(ports.frontend, ports.frontendMembership, `\n      httpPort: ${ports.frontendHttp}`)}
  matching:${service(ports.matching, ports.matchingMembership)}
  history:${service(ports.history, ports.historyMembership)}
  worker:${service(ports.worker, ports.workerMembership)}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${ports.frontend}"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: "${dynamicConfig}"
  pollInterval: "10s"
`;
  const file = path.join(dir, 'temporal-server.yaml');
  writeFileSync(file, yaml);
  return file;
}

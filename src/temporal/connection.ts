import { Client, Connection, type DataConverter } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config/env';
import { dataConverterFor } from './codec';

export interface TemporalTarget {
  /** host:port of the Temporal frontend. */
  address: string;
  namespace: string;
  /** Payload codec and converters; must be the same for clients and workers of a namespace. */
  dataConverter?: DataConverter;
}

/** Where every entry point finds Temporal, and the payload encryption it must share with the others. */
export function temporalTarget(config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'PAYLOAD_ENCRYPTION_KEY'>): TemporalTarget {
  return { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config.PAYLOAD_ENCRYPTION_KEY) };
}

/** A workflow client (starts, signals, queries, schedules) for one namespace. */
export async function connectClient(target: TemporalTarget): Promise<Client> {
  const connection = await Connection.connect({ address: target.address });
  return new Client({ connection, namespace: target.namespace, dataConverter: target.dataConverter });
}

/** The native (Rust core) connection that workers poll through. */
export function connectWorkerConnection(target: Pick<TemporalTarget, 'address'>): Promise<NativeConnection> {
  return NativeConnection.connect({ address: target.address });
}

import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { ErpnextEnv, MoodleEnv, TemporalEnv } from '../config/env';
import type { Mapping } from '../config/mapping-file';
import { createErpnextClient, type ErpnextClient } from '../erpnext/client';
import { createRequestPacer } from '../http/request-pacer';
import { createMoodleClient, type MoodleClient } from '../moodle/client';
import { dataConverterFor } from '../temporal/codec';
import { payloadKeyRing } from '../temporal/key-ring';
import { registerSearchAttributes } from '../temporal/register-search-attributes';
import type { RunWorkersOptions } from '../temporal/worker';

/*
 * How every process turns its configuration into the things it runs with: the Moodle and ERPNext
 * clients, the Temporal connections and client, the workers' settings. Built here and nowhere
 * else, so `dev`, `worker`, `gateway`, `setup`, `schedules` and `sync` cannot drift apart (a
 * client without the payload codec would write history the workers cannot read).
 */

/** Each client paces this process's requests to its system at the configured rate (docs/temporal.md §4). */
export function moodleClientFrom(config: Pick<MoodleEnv, 'MOODLE_URL' | 'MOODLE_TOKEN'> & Partial<Pick<MoodleEnv, 'MOODLE_RATE_PER_SECOND'>>): MoodleClient {
  const pacer = config.MOODLE_RATE_PER_SECOND ? createRequestPacer({ perSecond: config.MOODLE_RATE_PER_SECOND }) : undefined;
  return createMoodleClient({ url: config.MOODLE_URL, token: config.MOODLE_TOKEN, pacer });
}

export function erpnextClientFrom(config: Pick<ErpnextEnv, 'ERPNEXT_URL' | 'ERPNEXT_API_KEY' | 'ERPNEXT_API_SECRET'> & Partial<Pick<ErpnextEnv, 'ERPNEXT_RATE_PER_SECOND'>>): ErpnextClient {
  const pacer = config.ERPNEXT_RATE_PER_SECOND ? createRequestPacer({ perSecond: config.ERPNEXT_RATE_PER_SECOND }) : undefined;
  return createErpnextClient({ url: config.ERPNEXT_URL, apiKey: config.ERPNEXT_API_KEY, apiSecret: config.ERPNEXT_API_SECRET, pacer });
}

/** The payload codec (the key ring): the same for clients and workers, or one cannot read what the other wrote. */
function dataConverterFrom(config: Pick<TemporalEnv, 'PAYLOAD_ENCRYPTION_KEYS' | 'PAYLOAD_ENCRYPTION_KEY'>): DataConverter | undefined {
  return dataConverterFor(payloadKeyRing(config));
}

type TemporalAccess = Omit<TemporalEnv, 'TEMPORAL_NAMESPACE' | 'PAYLOAD_ENCRYPTION_KEYS' | 'PAYLOAD_ENCRYPTION_KEY'>;

/**
 * TLS for a secured cluster: the server's CA and name for a self-hosted one with a private CA,
 * a client certificate and key for mTLS. An API key (Temporal Cloud) implies TLS with the system's
 * CAs. Files are read here, once per connection, so a renewed certificate is picked up on restart.
 */
export function temporalTlsFrom(config: TemporalAccess): TLSConfig | boolean {
  const files = config.TEMPORAL_TLS_SERVER_CA_CERT_PATH || config.TEMPORAL_TLS_SERVER_NAME || config.TEMPORAL_TLS_CLIENT_CERT_PATH;
  if (!files) return config.TEMPORAL_TLS === 'true' || (config.TEMPORAL_TLS !== 'false' && config.TEMPORAL_API_KEY !== undefined);
  return {
    serverRootCACertificate: config.TEMPORAL_TLS_SERVER_CA_CERT_PATH ? readFileSync(config.TEMPORAL_TLS_SERVER_CA_CERT_PATH) : undefined,
    serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME,
    clientCertPair:
      config.TEMPORAL_TLS_CLIENT_CERT_PATH && config.TEMPORAL_TLS_CLIENT_KEY_PATH
        ? { crt: readFileSync(config.TEMPORAL_TLS_CLIENT_CERT_PATH), key: readFileSync(config.TEMPORAL_TLS_CLIENT_KEY_PATH) }
        : undefined,
  };
}

/** Address, TLS and API key: what both kinds of connection (client, worker) are opened with. */
function connectionOptionsFrom(config: TemporalAccess) {
  return { address: config.TEMPORAL_ADDRESS, tls: temporalTlsFrom(config), apiKey: config.TEMPORAL_API_KEY };
}

/** A workflow client (starts, signals, queries, updates, Schedules) on the configured namespace, with the payload codec. */
export async function connectTemporalClient(config: TemporalEnv): Promise<Client> {
  const connection = await Connection.connect(connectionOptionsFrom(config));
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFrom(config) });
}

/** The native (Rust core) connection that workers poll through. */
export function connectWorkerConnection(config: TemporalAccess): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptionsFrom(config));
}

/** Registers our search attributes on the configured namespace where missing; returns the names added. */
export async function registerSearchAttributesFrom(config: TemporalEnv): Promise<string[]> {
  const connection = await Connection.connect(connectionOptionsFrom(config));
  try {
    return await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  } finally {
    await connection.close();
  }
}

/** Everything the three workers run with: clients, mapping, per-system rate limits and the payload codec. */
export function workersFrom(config: TemporalEnv & MoodleEnv & ErpnextEnv, mapping: Mapping, connection: NativeConnection): Omit<RunWorkersOptions, 'signal'> {
  return {
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    moodle: moodleClientFrom(config),
    erpnext: erpnextClientFrom(config),
    mapping,
    rates: { moodle: config.MOODLE_RATE_PER_SECOND, erpnext: config.ERPNEXT_RATE_PER_SECOND },
    dataConverter: dataConverterFrom(config),
  };
}

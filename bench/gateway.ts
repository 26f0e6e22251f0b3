import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { loadConfig } from '../src/config/env';
import { mappingSchema } from '../src/config/mapping-file';
import { buildGateway } from '../src/gateway/server';
import { startDevServer } from '../src/temporal/dev-server';
import { frappeSignature, frappeSignatureHeader } from '../src/webhooks/erpnext-contract';
import { freePort } from '../test/support/free-port';
import { percentile } from './support/percentile';
import type { BenchReport } from './run';

/**
 * The gateway alone: 50 concurrent senders post signed Student after_insert webhooks for as long
 * as BENCH_GATEWAY_SECONDS, alternately a new Student (a workflow start in Temporal) and a
 * duplicate delivery of one already sent (Temporal answers that the run exists). The clock runs
 * from sending to the 202. No worker runs: what is measured is the acknowledgement, not the work.
 */
const seconds = Number(process.env.BENCH_GATEWAY_SECONDS ?? 10);
const senders = Number(process.env.BENCH_GATEWAY_SENDERS ?? 50);
const secret = 'bench-webhook-secret';

/** Bytes as Frappe's json.dumps writes them (`, ` and `: `), the event bound into the body. */
function webhookBody(name: string): string {
  const doc = { event: 'after_insert', doctype: 'Student', name, modified: '2026-12-01 08:55:13.393763' };
  return `{${Object.entries(doc).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
}

export async function run(): Promise<BenchReport> {
  const server = await startDevServer({ port: await freePort() });
  const connection = await Connection.connect({ address: server.address });
  const temporal = new Client({ connection, namespace: 'default' });
  const config = loadConfig('gateway', { TEMPORAL_ADDRESS: server.address, MOODLE_URL: 'http://127.0.0.1:9', ERPNEXT_URL: 'http://127.0.0.1:9', ERPNEXT_WEBHOOK_SECRET: secret }, { developmentDefaults: true });
  const { publicApp: gateway } = await buildGateway({ config, temporal, mapping: mappingSchema.parse({}), logger: pino({ level: 'silent' }) });
  const url = `${await gateway.listen({ host: '127.0.0.1', port: 0 })}/webhooks/erpnext/student/after_insert`;

  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const sent: string[] = [];
  let next = 0;
  const post = async (name: string) => {
    const body = webhookBody(name);
    const began = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { [frappeSignatureHeader]: frappeSignature(body, secret) }, body });
    await response.arrayBuffer();
    latencies.push(performance.now() - began);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  };
  // A short warm-up (connections, the first starts), not measured.
  await Promise.all(Array.from({ length: senders }, (_, i) => post(`EDU-STU-2026-W${i}`)));
  latencies.length = 0;
  statuses.clear();

  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (performance.now() < until) {
        const i = next++;
        const duplicate = i % 2 === 1 && sent.length > 0;
        const name = duplicate ? sent[Math.floor(Math.random() * sent.length)]! : `EDU-STU-2026-B${i}`;
        if (!duplicate) sent.push(name);
        await post(name);
      }
    }),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  await gateway.close();
  await connection.close();
  await server.stop();

  const sorted = [...latencies].sort((a, b) => a - b);
  const accepted = statuses.get(202) ?? 0;
  const webhooksPerSecond = Math.round(accepted / wallSeconds);
  const p50AckMs = Math.round(percentile(sorted, 50));
  const p99AckMs = Math.round(percentile(sorted, 99));
  return {
    name: 'gateway: signed webhooks acknowledged',
    figures: { webhooksPerSecond, p50AckMs, p99AckMs, accepted, notAccepted: latencies.length - accepted, ...Object.fromEntries([...statuses].filter(([s]) => s !== 202).map(([s, n]) => [`http${s}`, n])) },
    conditions: {
      senders,
      seconds,
      mix: 'Student after_insert, half new Students (workflow start), half duplicate deliveries',
      process: 'gateway and Temporal dev server in this machine, no worker',
      cpus: os.cpus().length,
      loadAverageAtEnd: os.loadavg()[0]!.toFixed(1),
    },
    results: { gateway: { webhooksPerSecond, p50AckMs, p99AckMs } },
  };
}

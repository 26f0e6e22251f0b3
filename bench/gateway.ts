import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { loadConfig } from '../src/config/env';
import { mappingSchema } from '../src/config/mapping-file';
import { lifecyclePolicy } from '../src/mapping/lifecycle-policy';
import { connectTemporalClient } from '../src/wiring/from-config';
import { startBenchTemporalServer } from './support/temporal-server';
import { generatedSecret, startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { sendSignedWebhooks, type SendFigures, type SendOptions, type SenderConnections } from './support/signed-webhook-senders';
import { measureStartFloor } from './support/temporal-start-floor';
import type { BenchReport } from './run';

/**
 * The gateway alone (issue #12: 500 signed webhooks/s, 50 concurrent senders, p99 to the 202
 * under 50 ms). Three processes: the Temporal dev server, `campus-bridge gateway` as deployed
 * (support/gateway-process.ts), and this one, whose senders post signed Student after_insert
 * webhooks. No worker runs: what is measured is the acknowledgement, not the work. Each phase
 * runs BENCH_GATEWAY_SECONDS:
 * - floor: Temporal's own start capacity, the same start called directly at the same concurrency;
 * - new: every delivery a new Student (each 202 waits for its start in Temporal);
 * - duplicates: repeats of deliveries the gateway accepted in `new` (answered from its memory),
 *   flat out, then paced at BENCH_GATEWAY_RATE;
 * - mix: half new Students, half repeats of ones already sent in this phase (the headline,
 *   as measured before the gateway had its own process).
 */
const seconds = Number(process.env.BENCH_GATEWAY_SECONDS ?? 10);
const senders = Number(process.env.BENCH_GATEWAY_SENDERS ?? 50);
const targetPerSecond = Number(process.env.BENCH_GATEWAY_RATE ?? 500);
/**
 * A new connection per delivery by default, as Frappe sends: enqueue_webhook calls the module-level
 * requests.request, a fresh session and connection for each try (read in frappe/frappe
 * frappe/integrations/doctype/webhook/webhook.py). `keep-alive` is a proxy in front reusing them.
 */
const connections: SenderConnections = process.env.BENCH_GATEWAY_CONNECTIONS === 'keep-alive' ? 'keep-alive' : 'per-delivery';

type PhaseFigures = SendFigures & { gatewayCpuMsPerWebhook: number };

async function phase(gateway: GatewayProcess, options: SendOptions): Promise<PhaseFigures> {
  const cpuBefore = gateway.cpuMs();
  const figures = await sendSignedWebhooks(options);
  return { ...figures, gatewayCpuMsPerWebhook: Math.round(((gateway.cpuMs() - cpuBefore) / Math.max(figures.sent, 1)) * 100) / 100 };
}

/** The figures a phase adds to the report's flat table, prefixed with its name. */
function flat(prefix: string, figures: PhaseFigures): Record<string, number> {
  const { webhooksPerSecond, p50AckMs, p99AckMs, sent, gatewayCpuMsPerWebhook, refused } = figures;
  return {
    [`${prefix}WebhooksPerSecond`]: webhooksPerSecond,
    [`${prefix}P50AckMs`]: p50AckMs,
    [`${prefix}P99AckMs`]: p99AckMs,
    [`${prefix}Sent`]: sent,
    [`${prefix}NotAccepted`]: Object.values(refused).reduce((a, b) => a + b, 0),
    [`${prefix}GatewayCpuMsPerWebhook`]: gatewayCpuMsPerWebhook,
  };
}

const summary = ({ webhooksPerSecond, p50AckMs, p99AckMs, gatewayCpuMsPerWebhook, refused }: PhaseFigures) => ({ webhooksPerSecond, p50AckMs, p99AckMs, gatewayCpuMsPerWebhook, refused });

export async function run(): Promise<BenchReport> {
  const loadAtStart = os.loadavg()[0]!.toFixed(1);
  const server = await startBenchTemporalServer();
  const secret = generatedSecret();
  const payloadEncryptionKey = randomBytes(32).toString('base64');
  let gateway: GatewayProcess | undefined;
  let temporal: Awaited<ReturnType<typeof connectTemporalClient>> | undefined;
  try {
    gateway = await startGatewayProcess({ temporalAddress: server.address, webhookSecret: secret, payloadEncryptionKey });
    // The bench's own client is configured as the gateway's (same key ring), so its starts are the gateway's starts.
    const config = loadConfig('gateway', { TEMPORAL_ADDRESS: server.address, PAYLOAD_ENCRYPTION_KEYS: payloadEncryptionKey, ERPNEXT_WEBHOOK_SECRET: secret, ADMIN_TOKEN: generatedSecret() });
    temporal = await connectTemporalClient(config);
    const policy = lifecyclePolicy(mappingSchema.parse({}));
    const send = { url: gateway.url, secret, senders, seconds, connections };

    // Warm-up, not measured: connections, the first starts, the JIT on both sides.
    await sendSignedWebhooks({ ...send, seconds: 2, studentFor: (i) => `EDU-STU-2026-W${i % (senders * 4)}` });

    const floor = await measureStartFloor({ temporal, policy, callers: senders, seconds, studentFor: (i) => `EDU-STU-2026-F${i}` });
    const fresh = await phase(gateway, { ...send, studentFor: (i) => `EDU-STU-2026-N${i}` });
    // Repeats of deliveries `new` had accepted, well inside the gateway's memory (a minute, 10,000 deliveries).
    const acceptedInNew = Math.max(1, Math.min(fresh.sent, 10_000));
    const repeatOfNew = (i: number) => `EDU-STU-2026-N${(i * 7919) % acceptedInNew}`;
    const duplicates = await phase(gateway, { ...send, studentFor: repeatOfNew });
    const duplicatesAtTarget = await phase(gateway, { ...send, studentFor: repeatOfNew, perSecond: targetPerSecond });
    // Odd deliveries repeat an even one sent earlier in this phase, which may still be on its way to Temporal.
    const mix = await phase(gateway, { ...send, studentFor: (i) => `EDU-STU-2026-M${i % 2 === 1 ? Math.floor(Math.random() * ((i + 1) / 2)) * 2 : i}` });

    const { webhooksPerSecond, p50AckMs, p99AckMs } = mix;
    return {
      name: 'gateway: signed webhooks acknowledged',
      figures: {
        webhooksPerSecond,
        p50AckMs,
        p99AckMs,
        ...flat('duplicates', duplicates),
        ...flat(`duplicatesAt${targetPerSecond}PerS`, duplicatesAtTarget),
        ...flat('new', fresh),
        ...flat('mix', mix),
        floorStartsPerSecond: floor.startsPerSecond,
        floorP50Ms: floor.p50Ms,
        floorP99Ms: floor.p99Ms,
        floorFailed: floor.failed,
        floorClientCpuMsPerStart: floor.clientCpuMsPerStart,
      },
      conditions: {
        senders,
        secondsPerPhase: seconds,
        connections: connections === 'keep-alive' ? 'keep-alive: each sender reuses its connection' : 'per-delivery: a new TCP connection each',
        headline: 'the mix: half new Students, half repeats of ones sent earlier in the phase',
        duplicates: 'repeats of deliveries accepted in the new phase (from the gateway memory)',
        pacedDuplicates: `${targetPerSecond}/s offered, each timed from when it was due`,
        floor: 'the same onboarding start called directly, same concurrency, no HTTP',
        processes: `${server.description}; campus-bridge gateway (production config, LOG_LEVEL info to /dev/null, encryption on); senders; no worker`,
        timing: 'request sent (paced: due) to the end of the answer',
        cpus: os.cpus().length,
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: os.loadavg()[0]!.toFixed(1),
      },
      results: {
        gateway: {
          webhooksPerSecond,
          p50AckMs,
          p99AckMs,
          duplicates: summary(duplicates),
          duplicatesAtTarget: { offeredPerSecond: targetPerSecond, ...summary(duplicatesAtTarget) },
          newEvents: summary(fresh),
          mix: summary(mix),
          temporalStartFloor: floor,
          senders,
          connections,
        },
      },
    };
  } finally {
    await gateway?.stop();
    await temporal?.connection.close();
    await server.stop();
  }
}

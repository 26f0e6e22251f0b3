import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';

/**
 * Fault injection for the sandboxes, the way a proxy in front of a real Moodle or ERPNext would
 * misbehave. Controlled at start-up or through `/__sandbox/faults`, which is outside both real
 * protocols, so nothing a real client sends can reach it by accident.
 */
export const faultSettingsSchema = z.object({
  /** Added to every protocol request before it is handled. */
  latencyMs: z.number().int().min(0).default(0),
  /** Fixed-window limit on protocol requests, answered 429 with Retry-After past the limit. */
  rateLimit: z.object({ perSecond: z.number().positive(), retryAfterSeconds: z.number().int().min(0).default(1) }).nullable().default(null),
  /** Answer 503 (with Retry-After) until this many ms after the settings were applied. */
  outageMs: z.number().int().min(0).default(0),
  outageRetryAfterSeconds: z.number().int().min(0).default(1),
  /** Fraction of protocol requests answered with a random 500/502/504. */
  errorRate: z.number().min(0).max(1).default(0),
  /**
   * Fraction of protocol requests that are carried out but answered 502, as when a proxy gives up
   * after the server committed: the client retries a write that already happened.
   */
  lostResponseRate: z.number().min(0).max(1).default(0),
});

export type FaultSettings = z.infer<typeof faultSettingsSchema>;
export type FaultSettingsInput = z.input<typeof faultSettingsSchema>;

export interface FaultsPluginOptions {
  initial?: FaultSettingsInput;
}

const isControlRoute = (url: string) => url.startsWith('/__sandbox/');

/**
 * What a refused request asked for: method, URL and body. Two runs often send the very same
 * request (onboarding and the profile sync reading one Student, several runs reading one Program),
 * so this alone cannot tell a client's early retry from another run's first request.
 */
const requestFingerprint = (request: FastifyRequest) =>
  createHash('sha256')
    .update(`${request.method} ${request.url}\n${typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null)}`)
    .digest('base64');

/**
 * Who may be told to wait: a request names its client in `x-sandbox-client` when it is sent
 * through a test harness that tags them (test/chaos/sandbox-faults.ts tags each Temporal activity
 * execution, which is the client a Retry-After is meant for: its next attempt must wait). Nothing
 * real sends the header. Without it the sandbox cannot name a client (every worker comes from one
 * address), and the TCP connection is the closest it can see: Node's fetch (undici) hands a
 * request the first free connection of its pool, so a client retrying while little else is in
 * flight comes back on the connection it was refused on; under load its retry may take another
 * one and go unseen (an under-count), while another run's identical request on that connection
 * still counts (an over-count, which fails a test rather than hiding anything).
 */
export const sandboxClientHeader = 'x-sandbox-client';

const clientOf = (request: FastifyRequest) => {
  const named = request.headers[sandboxClientHeader];
  return typeof named === 'string' ? `client ${named}` : `connection ${request.socket.remoteAddress}:${request.socket.remotePort}`;
};

const clientFingerprint = (request: FastifyRequest, fingerprint: string) => `${clientOf(request)} ${fingerprint}`;

/**
 * Every answer with Retry-After (a 429 past the limit, a 503 in an outage) sets when that request
 * may come again. The same request from the same client arriving earlier is a violation; from any
 * client it is only counted (`earlyFromAnyClient`, an upper bound that joins runs). Neither
 * is refused differently: a real server would just refuse again, and the counts are what tests check.
 */
function retryAfterLedger() {
  let notBefore = { sameClient: new Map<string, number>(), anyClient: new Map<string, number>() };
  const counts = { answeredWithRetryAfter: 0, violations: 0, violatingRequests: [] as string[], earlyFromAnyClient: 0 };
  /** How early `key` came again (ms), or undefined when it was not refused or its delay has passed. */
  const early = (map: Map<string, number>, key: string, now: number) => {
    const until = map.get(key);
    if (until === undefined) return undefined;
    if (now < until) return until - now;
    map.delete(key);
    return undefined;
  };
  return {
    counts,
    /** A request arriving now: a violation when its client repeats a refused one before the delay. */
    arrived(request: FastifyRequest, now: number) {
      const fingerprint = requestFingerprint(request);
      if (early(notBefore.anyClient, fingerprint, now) !== undefined) counts.earlyFromAnyClient += 1;
      const ms = early(notBefore.sameClient, clientFingerprint(request, fingerprint), now);
      if (ms === undefined) return;
      counts.violations += 1;
      // The first few, so a test can say which request came early (sandbox data only).
      if (counts.violatingRequests.length < 20) counts.violatingRequests.push(`${request.method} ${request.url} (${ms} ms early)`);
    },
    refused(request: FastifyRequest, now: number, retryAfterSeconds: number) {
      counts.answeredWithRetryAfter += 1;
      const fingerprint = requestFingerprint(request);
      notBefore.anyClient.set(fingerprint, now + retryAfterSeconds * 1000);
      notBefore.sameClient.set(clientFingerprint(request, fingerprint), now + retryAfterSeconds * 1000);
    },
    reset() {
      notBefore = { sameClient: new Map(), anyClient: new Map() };
      Object.assign(counts, { answeredWithRetryAfter: 0, violations: 0, violatingRequests: [], earlyFromAnyClient: 0 });
    },
  };
}

async function faults(app: FastifyInstance, options: FaultsPluginOptions) {
  let settings: FaultSettings;
  let outageUntil: number;
  let window: { second: number; count: number };
  const ledger = retryAfterLedger();
  const apply = (next: FaultSettings) => {
    settings = next;
    outageUntil = Date.now() + next.outageMs;
    window = { second: 0, count: 0 };
    ledger.reset();
  };
  apply(faultSettingsSchema.parse(options.initial ?? {}));

  const reject = (request: FastifyRequest, reply: FastifyReply, status: number, retryAfterSeconds?: number) => {
    if (retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(retryAfterSeconds));
      ledger.refused(request, Date.now(), retryAfterSeconds);
    }
    return reply.code(status).type('text/html; charset=utf-8').send(`<html><body><h1>${status}</h1></body></html>`);
  };

  // preHandler, not onRequest: the body is parsed by then, and it is part of what a retry repeats.
  app.addHook('preHandler', async (request, reply) => {
    if (isControlRoute(request.url)) return;
    const now = Date.now();
    ledger.arrived(request, now);
    if (now < outageUntil) return reject(request, reply, 503, settings.outageRetryAfterSeconds);
    if (settings.rateLimit) {
      const second = Math.floor(now / 1000);
      if (window.second !== second) window = { second, count: 0 };
      window.count += 1;
      if (window.count > settings.rateLimit.perSecond) return reject(request, reply, 429, settings.rateLimit.retryAfterSeconds);
    }
    if (settings.errorRate > 0 && Math.random() < settings.errorRate) {
      return reject(request, reply, [500, 502, 504][Math.floor(Math.random() * 3)]);
    }
    if (settings.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, settings.latencyMs));
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (isControlRoute(request.url) || reply.statusCode >= 400 || settings.lostResponseRate === 0) return payload;
    if (Math.random() >= settings.lostResponseRate) return payload;
    reply.code(502).type('text/html; charset=utf-8');
    return '<html><body><h1>502</h1></body></html>';
  });

  app.get('/__sandbox/faults', async () => settings);
  /** Answers given with Retry-After and requests repeated before it (by the same client; by any), since the settings were last applied. */
  app.get('/__sandbox/faults/retry-after', async () => ({ ...ledger.counts }));
  app.put('/__sandbox/faults', async (request, reply) => {
    const parsed = faultSettingsSchema.safeParse(request.body ?? {});
    if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
    apply(parsed.data);
    return settings;
  });
}

export const faultsPlugin = fp(faults, { name: 'sandbox-faults', fastify: '5.x' });

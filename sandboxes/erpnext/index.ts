import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiUser } from './auth';
import { faultsPlugin, type FaultSettingsInput } from '../faults';
import { createClock } from './clock';
import { accountsControllers } from './controllers-accounts';
import { coreControllers } from './controllers-core';
import { paymentControllers } from './controllers-payments';
import { educationControllers } from './controllers-education';
import { feeControllers } from './controllers-fees';
import { rosterControllers } from './controllers-roster';
import { accountsDoctypes } from './doctypes-accounts';
import { coreDoctypes } from './doctypes-core';
import { educationDoctypes } from './doctypes-education';
import { feeDoctypes } from './doctypes-fees';
import { rosterDoctypes } from './doctypes-roster';
import { settingsDoctypes } from './doctypes-settings';
import { enforceRequestLineLimit } from './gunicorn';
import { requestCounterPlugin } from './request-counter';
import { erpnextRoutes } from './routes';
import { schedulerRoutes } from './scheduler';
import { readStateFile, stateSaver } from '../state-file';
import { restoreErpnext, snapshotErpnext, type ErpnextSnapshot } from './persistence';
import { seedBase } from './seed-base';
import { seedDemo } from './seed-demo';
import { Site } from './site';
import { createWebhookDispatcher, type WebhookDispatcher } from './webhooks';

/**
 * A protocol-faithful ERPNext (Frappe v15 + Education) for the local stack and tests: the REST API,
 * DocType rules and side effects, Webhook delivery, fault injection and request counts. State is
 * in memory and belongs to this one instance.
 */
export interface ErpnextSandboxOptions {
  /** 0 or omitted: a free port. */
  port?: number;
  host?: string;
  apiKey?: string;
  apiSecret?: string;
  /** Further API keys, each of a user with only the given roles (Administrator's key is apiKey/apiSecret). */
  apiUsers?: readonly ApiUser[];
  seed?: 'empty' | 'demo';
  faults?: FaultSettingsInput;
  /** Multiplies Frappe's 1 s / 4 s / 7 s webhook retry sleeps (tests: e.g. 0.01). */
  webhookRetryDelayScale?: number;
  /** Background workers delivering webhooks, one job each at a time (webhooks.ts); unbounded by default. */
  webhookWorkers?: number;
  /** Interleave concurrent writes as a multi-worker site does (SiteOptions.interleaving); omitted: one request at a time. */
  interleaving?: { windowMs: number };
  /** Keep the database in this JSON file: loaded over the base seed (instead of `seed`) when it exists, saved after writes and on close. */
  stateFile?: string;
}

export interface ErpnextSandboxState {
  site: Site;
  webhooks: WebhookDispatcher;
  requestCounts: Map<string, number>;
}

export interface ErpnextSandbox {
  url: string;
  state: ErpnextSandboxState;
  close(): Promise<void>;
}

export async function startErpnextSandbox(options: ErpnextSandboxOptions = {}): Promise<ErpnextSandbox> {
  const site = new Site({
    clock: createClock(),
    interleaving: options.interleaving,
    doctypes: [...coreDoctypes, ...educationDoctypes, ...feeDoctypes, ...rosterDoctypes, ...accountsDoctypes, ...settingsDoctypes],
    controllers: { ...coreControllers, ...educationControllers, ...rosterControllers, ...accountsControllers, ...paymentControllers, ...feeControllers },
  });
  const webhooks = createWebhookDispatcher(site, { retryDelayScale: options.webhookRetryDelayScale, backgroundWorkers: options.webhookWorkers });
  seedBase(site);
  const saved = options.stateFile ? (readStateFile(options.stateFile) as ErpnextSnapshot | undefined) : undefined;
  if (saved) restoreErpnext(site, saved);
  else if (options.seed === 'demo') seedDemo(site);
  const saver = options.stateFile ? stateSaver(options.stateFile, () => snapshotErpnext(site)) : undefined;

  const requestCounts = new Map<string, number>();
  // Closing ends every connection at once: a worker still calling a test's sandbox must not hold its close.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  enforceRequestLineLimit(app);
  await app.register(requestCounterPlugin, { counts: requestCounts });
  await app.register(faultsPlugin, { initial: options.faults });
  if (saver) app.addHook('onResponse', async (request) => request.method !== 'GET' && saver.schedule());
  await app.register(erpnextRoutes, { site, users: [{ user: 'Administrator', apiKey: options.apiKey ?? 'dev-key', apiSecret: options.apiSecret ?? 'dev-secret', roles: 'all' }, ...(options.apiUsers ?? [])] });
  registerTimeControl(app, site);
  await app.register(schedulerRoutes, { site });

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  site.url = `http://${host}:${port}`;
  return {
    url: site.url,
    state: { site, webhooks, requestCounts },
    async close() {
      webhooks.close();
      await app.close();
      saver?.flush();
    },
  };
}

/** `GET/PUT /__sandbox/time`: pins the site's "today" (attendance dates, invoice status), `null` returns to real time. */
const timeBody = z.object({ now: z.iso.datetime({ offset: true }).nullable() });

function registerTimeControl(app: FastifyInstance, site: Site) {
  app.get('/__sandbox/time', async () => ({ now: site.clock.now().toISOString() }));
  app.put('/__sandbox/time', async (request, reply) => {
    const parsed = timeBody.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: z.prettifyError(parsed.error) });
    site.clock.set(parsed.data.now ? new Date(parsed.data.now) : undefined);
    return { now: site.clock.now().toISOString() };
  });
}

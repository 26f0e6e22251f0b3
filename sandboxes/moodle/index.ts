import Fastify from 'fastify';
import { faultsPlugin, type FaultSettingsInput } from '../faults';
import { controlRoutes } from './control-routes';
import { restServer } from './rest-server';
import { seedCaptures } from './seeds/captures';
import { seedDemo } from './seeds/demo';
import { allSandboxFunctions, seedSite } from './seeds/site';
import { emptyState, type MoodleState } from './state';
import { createWebhookSender } from './webhooks';

export type MoodleSandboxSeed = 'empty' | 'demo' | 'captures';

export interface MoodleSandboxOptions {
  /** 0 or omitted = a free port. */
  port?: number;
  host?: string;
  token?: string;
  /** `empty`: site, web-service user, service and token only; `captures`: the real site before capture 001. */
  seed?: MoodleSandboxSeed;
  faults?: FaultSettingsInput;
  /** Add a real Moodle 4.1's measured time to batched writes (timing-model.ts), for benchmarks. */
  simulateMoodleTiming?: boolean;
}

export interface MoodleSandbox {
  url: string;
  state: MoodleState;
  close(): Promise<void>;
}

/**
 * A Moodle 4.1 stand-in speaking the real REST protocol at `/webservice/rest/server.php`, with
 * state in memory (one sandbox per test, nothing shared), fault injection and `/__sandbox/*`
 * control routes.
 */
export async function startMoodleSandbox(options: MoodleSandboxOptions = {}): Promise<MoodleSandbox> {
  const token = options.token ?? 'dev-moodle-token';
  const state = emptyState();
  const seed = options.seed ?? 'empty';
  if (seed === 'captures') seedCaptures(state, token);
  else if (seed === 'demo') seedDemo(state, token);
  else seedSite(state, { token, sitename: 'Campus Bridge Sandbox Moodle', siteShortname: 'sandbox', siteSummary: '', functions: allSandboxFunctions(), siteCreated: state.now() });

  state.settings.simulateMoodleTiming = options.simulateMoodleTiming ?? false;
  const webhooks = createWebhookSender(state);
  const requestCounts = new Map<string, number>();
  // Big batches are the point of the client's chunking; PHP's own cap is max_input_vars, not bytes.
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  await app.register(faultsPlugin, { initial: options.faults });
  await app.register(controlRoutes, { state, webhooks, requestCounts });
  await app.register(restServer, { state, webhooks, requestCounts });
  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  return { url: address, state, close: () => app.close() };
}

import Fastify from 'fastify';
import { faultsPlugin, type FaultSettingsInput } from '../faults';
import { controlRoutes } from './control-routes';
import { restServer } from './rest-server';
import { seedCaptures } from './seeds/captures';
import { seedDemo } from './seeds/demo';
import { allSandboxFunctions, seedSite } from './seeds/site';
import { readStateFile, stateSaver } from '../state-file';
import { restoreMoodle, snapshotMoodle, type MoodleSnapshot } from './persistence';
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
  /** Keep the state in this JSON file: loaded instead of seeding when it exists, saved after writes and on close. */
  stateFile?: string;
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
  const saved = options.stateFile ? (readStateFile(options.stateFile) as MoodleSnapshot | undefined) : undefined;
  if (saved) restoreMoodle(state, saved);
  else if (seed === 'captures') seedCaptures(state, token);
  else if (seed === 'demo') seedDemo(state, token);
  else seedSite(state, { token, sitename: 'Campus Bridge Sandbox Moodle', siteShortname: 'sandbox', siteSummary: '', functions: allSandboxFunctions(), siteCreated: state.now() });

  state.settings.simulateMoodleTiming = options.simulateMoodleTiming ?? false;
  const webhooks = createWebhookSender(state);
  const requestCounts = new Map<string, number>();
  // Big batches are the point of the client's chunking; PHP's own cap is max_input_vars, not bytes.
  // Closing ends every connection at once: a worker still polling a test's sandbox must not hold its close for its keep-alive.
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024, forceCloseConnections: true });
  await app.register(faultsPlugin, { initial: options.faults });
  const saver = options.stateFile ? stateSaver(options.stateFile, () => snapshotMoodle(state)) : undefined;
  // Every web-service call is a POST, reads included: saving after each is simpler than knowing which wrote.
  if (saver) app.addHook('onResponse', async () => saver.schedule());
  await app.register(controlRoutes, { state, webhooks, requestCounts });
  await app.register(restServer, { state, webhooks, requestCounts });
  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  return {
    url: address,
    state,
    async close() {
      await app.close();
      saver?.flush();
    },
  };
}

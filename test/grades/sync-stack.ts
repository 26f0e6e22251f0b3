import { createActivities } from '../../activities';
import type { Mapping } from '../../src/config/mapping-file';
import { createErpnextClient, type ErpnextClient } from '../../src/erpnext/client';
import { createMoodleClient, type MoodleClient } from '../../src/moodle/client';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { bundleWorkflows, connectTestEnv, createTestWorkers, type TemporalTestEnv } from '../support/temporal';

/** Both demo sandboxes and the three workers with the real activities, for the sync workflows. */
export interface SyncStack {
  env: TemporalTestEnv;
  moodleSandbox: MoodleSandbox;
  erpSandbox: ErpnextSandbox;
  moodle: MoodleClient;
  erp: ErpnextClient;
  close(): Promise<void>;
}

/** `erpnext.interleaving`: concurrent writes interleave as on a multi-worker site, so races show. */
export async function startSyncStack(mapping: Mapping, options: { erpnext?: { interleaving?: { windowMs: number } } } = {}): Promise<SyncStack> {
  const [env, workflowBundle, moodleSandbox, erpSandbox] = await Promise.all([
    connectTestEnv(),
    bundleWorkflows(),
    startMoodleSandbox({ seed: 'demo' }),
    startErpnextSandbox({ seed: 'demo', ...options.erpnext }),
  ]);
  const moodle = createMoodleClient({ url: moodleSandbox.url, token: 'dev-moodle-token' });
  const erp = createErpnextClient({ url: erpSandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
  const workers = await createTestWorkers(env, { workflowBundle, ...createActivities({ moodle, erpnext: erp, mapping }) });
  const running = workers.run();
  return {
    env,
    moodleSandbox,
    erpSandbox,
    moodle,
    erp,
    async close() {
      workers.shutdown();
      await running;
      await Promise.all([moodleSandbox.close(), erpSandbox.close()]);
      await env.close();
    },
  };
}

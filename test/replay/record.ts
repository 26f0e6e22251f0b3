import { startDevServer } from '../../src/temporal/dev-server';
import { freePort } from '../support/free-port';
import { HistoryRecorder } from './recording/history-recorder';
import { recordLifecycleHistories } from './recording/lifecycle-scenarios';
import { recordProfileContinueAsNew } from './recording/profile-continue-as-new';
import { recordSyncHistories } from './recording/sync-scenarios';

/**
 * `npm run record:histories`: runs every scenario on a Temporal dev server of its own with both
 * sandboxes and writes the histories to test/replay/histories/ (see README.md there for when to).
 */
async function main(): Promise<void> {
  const recorder = new HistoryRecorder();
  const server = await startDevServer({ port: await freePort() });
  // The test stacks (test/support/temporal.ts) connect to the server this names.
  process.env.TEMPORAL_ADDRESS = server.address;
  try {
    await recordLifecycleHistories(recorder);
    await recordSyncHistories(recorder);
  } finally {
    await server.stop();
  }
  await recordProfileContinueAsNew(recorder);
  console.log(`${recorder.written.length} histories written to test/replay/histories/`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

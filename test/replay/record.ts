import { startDevServer } from '../../src/temporal/dev-server';
import { freePort } from '../support/free-port';
import { HistoryRecorder } from './recording/history-recorder';
import { recordLateAdmissionEvents, recordLifecycleHistories, recordProfileDuringOnboarding } from './recording/lifecycle-scenarios';
import { recordBackfill, recordChangeFeed, recordProvisioning, recordReconcile } from './recording/operations-scenarios';
import { recordProfileContinueAsNew } from './recording/profile-continue-as-new';
import { recordRoster } from './recording/roster-scenarios';
import { recordSyncHistories } from './recording/sync-scenarios';

/** The scenario groups, in recording order; the profile's continue-as-new brings a dev server of its own. */
const groups = {
  lifecycle: { ownServer: false, record: recordLifecycleHistories },
  lateEvents: { ownServer: false, record: recordLateAdmissionEvents },
  profileDuringOnboarding: { ownServer: false, record: recordProfileDuringOnboarding },
  sync: { ownServer: false, record: recordSyncHistories },
  backfill: { ownServer: false, record: recordBackfill },
  changeFeed: { ownServer: false, record: recordChangeFeed },
  reconcile: { ownServer: false, record: recordReconcile },
  provisioning: { ownServer: false, record: recordProvisioning },
  roster: { ownServer: false, record: recordRoster },
  profile: { ownServer: true, record: recordProfileContinueAsNew },
} as const;
type Group = keyof typeof groups;

/** `npm run record:histories -- sync reconcile` records only those groups; no argument records all. */
function selectedGroups(args: string[]): Group[] {
  const all = Object.keys(groups) as Group[];
  const unknown = args.filter((arg) => !all.includes(arg as Group));
  if (unknown.length > 0) throw new Error(`unknown scenario group ${unknown.join(', ')}; the groups are ${all.join(', ')}`);
  return args.length === 0 ? all : all.filter((group) => args.includes(group));
}

/**
 * `npm run record:histories`: runs the scenarios on a Temporal dev server of its own with both
 * sandboxes and writes the histories to test/replay/histories/ (see README.md there for when to).
 */
async function main(): Promise<void> {
  const selected = selectedGroups(process.argv.slice(2));
  const recorder = new HistoryRecorder();
  const shared = selected.filter((group) => !groups[group].ownServer);
  if (shared.length > 0) {
    const server = await startDevServer({ port: await freePort() });
    // The test stacks (test/support/temporal.ts) connect to the server this names.
    process.env.TEMPORAL_ADDRESS = server.address;
    try {
      for (const group of shared) await groups[group].record(recorder);
    } finally {
      await server.stop();
    }
  }
  for (const group of selected.filter((g) => groups[g].ownServer)) await groups[group].record(recorder);
  console.log(`${recorder.written.length} histories written to test/replay/histories/`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

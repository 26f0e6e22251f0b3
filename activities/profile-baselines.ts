import { Context } from '@temporalio/activity';
import type { DesiredMoodleUser } from '../src/mapping/moodle-user';
import { profileWorkflowStart } from '../src/common/profile-workflow-start';
import { signalNames } from '../src/common/signal-names';
import { forEachAtMost } from './for-each-at-most';

/** What Moodle now holds for one Student, and the fingerprint of the ERPNext fields it came from. */
export interface ProfileBaseline {
  studentId: string;
  baseline: DesiredMoodleUser;
  profileFingerprint: string;
}

/**
 * Starts in flight at once. Each is one round trip to the Temporal server, which does the work;
 * a few at a time keep a batch's hundred within a second without crowding the server's other
 * callers (the gateway, the batches' own workflow tasks).
 */
const startsInFlight = 8;

/**
 * Hands written baselines to the Students' profile workflows, as onboarding does for one Student
 * (workflows/profile-baseline.ts), but for a whole backfill batch from one activity: starting a
 * hundred children from the batch workflow put two hundred events into its history and kept the
 * batch's slot until the server had answered each (issue #12's backfill bench). Signal-with-start
 * makes each hand-over idempotent: a retried activity signals the same baseline again.
 */
export function createProfileBaselineActivities() {
  return {
    async temporalShareProfileBaselines(baselines: ProfileBaseline[]): Promise<void> {
      const { client } = Context.current();
      await forEachAtMost(baselines, startsInFlight, async ({ studentId, baseline, profileFingerprint }) => {
        await client.workflow.signalWithStart('syncProfile', {
          ...profileWorkflowStart(studentId),
          args: [{ studentId, baseline, profileFingerprint }],
          signal: signalNames.moodleBaseline,
          signalArgs: [baseline, profileFingerprint],
        });
        Context.current().heartbeat();
      });
    },
  };
}

export type ProfileBaselineActivities = ReturnType<typeof createProfileBaselineActivities>;

import { Context } from '@temporalio/activity';
import type { Mapping } from '../src/config/mapping-file';
import type { ErpnextClient } from '../src/erpnext/client';
import type { LifecyclePolicy } from '../src/mapping/lifecycle-policy';
import type { MoodleClient } from '../src/moodle/client';
import { startHealAction, type HealOutcome } from '../src/reconcile/heal-starts';
import { reconcileDrift, type HealAction, type ReconcileReport } from '../src/reconcile/reconcile-drift';
import { erpnextSnapshot, moodleSnapshot, type ErpnextSnapshot, type MoodleSnapshot } from '../src/reconcile/snapshots';

/*
 * Reconcile's activities. The two snapshots are read-only and run on their system's queue, under
 * its rate limit; the comparison and the heal starts touch only Temporal, so they run on the
 * workflows queue.
 */

export function createMoodleOperationsActivities(moodle: MoodleClient) {
  return {
    async moodleReconcileSnapshot(): Promise<MoodleSnapshot> {
      return moodleSnapshot(moodle);
    },
  };
}

export function createErpnextOperationsActivities(erp: ErpnextClient, mapping: Mapping) {
  return {
    async erpnextReconcileSnapshot(): Promise<ErpnextSnapshot> {
      return erpnextSnapshot(erp, mapping);
    },
  };
}

export function createTemporalOperationsActivities() {
  return {
    async operationsCompareSnapshots(erp: ErpnextSnapshot, moodle: MoodleSnapshot, courseMap: Record<string, string>): Promise<ReconcileReport> {
      return reconcileDrift(erp, moodle, courseMap);
    },

    /** Starts the normal workflow of each action through the worker's own client; one failure does not stop the rest. */
    async operationsStartHealing(actions: HealAction[], policy: LifecyclePolicy): Promise<HealOutcome[]> {
      const { client } = Context.current();
      const outcomes: HealOutcome[] = [];
      for (const action of actions) {
        outcomes.push(await startHealAction(client, action, policy));
        Context.current().heartbeat(outcomes.length);
      }
      return outcomes;
    },
  };
}

export type MoodleOperationsActivities = ReturnType<typeof createMoodleOperationsActivities>;
export type ErpnextOperationsActivities = ReturnType<typeof createErpnextOperationsActivities>;
export type TemporalOperationsActivities = ReturnType<typeof createTemporalOperationsActivities>;

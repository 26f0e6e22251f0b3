import { defineSignal, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { activityWaitSignalName, type ActivityWait, type WaitedSystem } from '../src/common/activity-waits';
import { WaitingOn } from '../src/common/search-attributes';

export const activityWaitSignal = defineSignal<[ActivityWait]>(activityWaitSignalName);

/**
 * Shows, in the WaitingOn search attribute, the systems this run's retrying activities wait on
 * (`moodle`, `erpnext`, or `erpnext,moodle`), and clears it when they get through. Operators find
 * every waiting run with `WaitingOn = 'moodle'`. Call once at the start of a workflow.
 */
export function showActivityWaits(): void {
  const waiting = new Map<string, WaitedSystem>();
  let shown: string | null = null;
  setHandler(activityWaitSignal, (wait) => {
    if (wait.waiting) waiting.set(wait.activityId, wait.system);
    else waiting.delete(wait.activityId);
    const systems = [...new Set(waiting.values())].sort().join(',') || null;
    if (systems === shown) return;
    shown = systems;
    upsertSearchAttributes([{ key: WaitingOn, value: systems }]);
  });
}

import { WorkflowExecutionAlreadyStartedError, type Duration } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { DesiredMoodleUser } from '../src/mapping/moodle-user';
import type { ChangeFeedReadActivities } from '../activities/change-feed-reads';
import { describeFailure } from '../src/common/operator-failure';
import { signalNames } from '../src/common/signal-names';
import { studentRunAttributes } from '../src/common/search-attributes';
import { syncKinds } from '../src/common/sync-kinds';
import { taskQueues } from '../src/common/task-queues';
import { workflowIds } from '../src/common/workflow-ids';
import { lifecycleActivityOptions } from './activity-options';
import { erpnext, moodle } from './lifecycle-activities';
import { onboardedMoodleUserId } from './student-account';
import { showActivityWaits } from './waiting-on';

export interface SyncProfileInput {
  studentId: string;
  /** Quiet period after a change before syncing, so a burst of saves becomes one sync. */
  settle?: Duration;
  /**
   * How long the workflow waits for further changes before it completes; by default it waits
   * for ever (idle, it costs nothing), keeping the baseline of fields Moodle does not show.
   */
  idleTimeout?: Duration;
  /** What onboarding just wrote, when it starts this workflow (so the write-back's own on_update finds nothing to do). */
  baseline?: DesiredMoodleUser;
  profileFingerprint?: string;
  /** The save this start is for, when a workflow starts it (the change feed) rather than signal-with-start. */
  change?: StudentChange;
}

export interface ProfileSync {
  /** ISO time of the sync. */
  at: string;
  /**
   * `no-moodle-account`: not onboarded yet (onboarding creates the account from current data);
   * `onboarding-started`: not onboarded, but the email is deliverable now (it was a placeholder,
   * or the after_insert was lost), so this sync started the onboarding.
   */
  outcome: 'pushed' | 'unchanged' | 'no-moodle-account' | 'onboarding-started' | 'failed';
  changed: string[];
  /** Why it failed, for the operator; the next change retries. */
  error?: string;
}

export interface SyncProfileResult {
  studentId: string;
  syncs: number;
  last: ProfileSync | null;
  /** What Moodle is known to hold after the last sync; carried across continue-as-new. */
  baseline: DesiredMoodleUser | null;
  /** Fingerprint of the ERPNext fields of that baseline (src/webhooks/student-profile.ts). */
  profileFingerprint?: string;
  /** Saves recognised from their body as leaving the profile as synced, so nothing was read or pushed. */
  unchangedSaves?: number;
}

/** What a Student on_update tells the workflow; nothing when the body lacked the profile fields. */
export interface StudentChange {
  profileFingerprint?: string;
}

export interface ProfileState {
  last: ProfileSync | null;
  syncs: number;
  unchangedSaves: number;
}

/** Sent (with signal-with-start) for every Student on_update delivery. */
export const studentChangedSignal = defineSignal<[StudentChange?]>(signalNames.studentChanged);
/** Sent by onboarding after it wrote the profile, so fields Moodle hides are known, not guessed. */
export const moodleBaselineSignal = defineSignal<[DesiredMoodleUser, string?]>(signalNames.moodleBaseline);
/** The latest sync, for the admin API and tests. */
export const lastSyncQuery = defineQuery<ProfileSync | null>('lastSync');
/** The latest sync and the counts, for operators and tests. */
export const profileStateQuery = defineQuery<ProfileState>('profileState');

const syncsPerRun = 200;

/** Marks runs that, knowing no baseline yet, leave a running onboarding to share one before reading anything; older histories replay the reads. */
const waitsForOnboardingPatch = 'profile-waits-for-onboarding-baseline';

const temporal = proxyActivities<ChangeFeedReadActivities>({ ...lifecycleActivityOptions, taskQueue: taskQueues.workflows });

/**
 * One long-lived workflow per Student (`profile:<Student>`) that coalesces updates: every
 * on_update signals it, and it syncs the latest ERPNext data once changes settle. A Student
 * on_update is a genuinely new event each time, so a per-delivery workflow id would either lose
 * edits (rejected as duplicates) or run many overlapping syncs; signal-with-start keeps one
 * writer per student and turns a burst into one sync.
 */
export async function syncProfile(input: SyncProfileInput, carried?: SyncProfileResult): Promise<SyncProfileResult> {
  showActivityWaits();
  const settle = input.settle ?? '1s';
  // Started by onboarding with what it wrote: nothing to sync until a save changes something.
  let pending = input.profileFingerprint === undefined || carried !== undefined;
  let syncs = carried?.syncs ?? 0;
  let last: ProfileSync | null = carried?.last ?? null;
  let baseline: DesiredMoodleUser | null = carried?.baseline ?? input.baseline ?? null;
  let synced = carried?.profileFingerprint ?? input.profileFingerprint;
  let unchangedSaves = carried?.unchangedSaves ?? 0;
  // What the saves signalled since the last sync hold, when they all agree (undefined: not known).
  let latest = input.change?.profileFingerprint;
  let unsyncedSaves = input.change ? 1 : 0;
  let changes = 0;
  setHandler(studentChangedSignal, (change) => {
    // A save that left every mirrored field as last synced (onboarding's own write-back of the
    // Moodle user id, an edit of a field Moodle does not show) has nothing to push: recognised
    // from the body, without reading either system (issue 9, defect 8).
    if (!pending && change?.profileFingerprint !== undefined && change.profileFingerprint === synced) {
      unchangedSaves++;
      return;
    }
    latest = unsyncedSaves === 0 || latest === change?.profileFingerprint ? change?.profileFingerprint : undefined;
    unsyncedSaves++;
    pending = true;
    changes++;
  });
  setHandler(moodleBaselineSignal, (written, fingerprint) => {
    baseline = written;
    if (fingerprint === undefined) return;
    synced = fingerprint;
    // Onboarding wrote what the pending saves hold (a Student's insert fires on_update too:
    // ERPNext captures 187, 238), so they have nothing left to push.
    if (pending && latest === fingerprint) {
      pending = false;
      unsyncedSaves = 0;
    }
  });
  setHandler(lastSyncQuery, () => last);
  setHandler(profileStateQuery, () => ({ last, syncs, unchangedSaves }));

  for (let runSyncs = 0; ; runSyncs++) {
    if (!pending) {
      if (input.idleTimeout === undefined) await condition(() => pending);
      else if (!(await condition(() => pending, input.idleTimeout))) break;
    }
    if (runSyncs >= syncsPerRun || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof syncProfile>(input, { studentId: input.studentId, syncs, last, baseline, profileFingerprint: synced, unchangedSaves });
    }
    // Settle: restart the quiet period while changes keep arriving.
    let seen: number;
    do {
      seen = changes;
      await sleep(settle);
    } while (changes !== seen);
    if (!pending) continue;
    pending = false;
    unsyncedSaves = 0;
    // The baseline as it stands once the Student is read: onboarding shares it before it writes the link.
    const outcome = await syncOnce(input.studentId, () => baseline);
    last = outcome.sync;
    // Only a completed sync moves the baseline: a baseline signalled meanwhile must not be lost.
    if (outcome.matched) {
      baseline = outcome.matched.desired;
      synced = outcome.matched.profileFingerprint;
    }
    syncs++;
  }
  return { studentId: input.studentId, syncs, last, baseline, profileFingerprint: synced, unchangedSaves };
}

/** One sync; `matched` is what Moodle holds afterwards, when the sync got that far. */
async function syncOnce(studentId: string, currentBaseline: () => DesiredMoodleUser | null): Promise<{ sync: ProfileSync; matched?: { desired: DesiredMoodleUser; profileFingerprint?: string } }> {
  const at = new Date().toISOString();
  try {
    // Asked once a sync: the unlinked-account check below takes the same answer.
    const onboarding = currentBaseline() === null && patched(waitsForOnboardingPatch) ? (await temporal.temporalOnboardingState(studentId)).state : undefined;
    if (onboarding === 'running') {
      // A new admission's own saves (the insert fires on_update too), settled before its
      // onboarding, still running, shared what it wrote. That run creates the account from the
      // Student it read and shares the baseline before it writes the link back, and the link's
      // on_update carries every field as it then stands: a save made meanwhile is synced from
      // there. Reading the Student and Moodle now found nothing to do, two requests an admission
      // in a burst (issue #12's bench), where onboarding is slow and the saves settle first.
      return { sync: { at, outcome: 'no-moodle-account', changed: [] } };
    }
    const student = await erpnext.erpnextGetStudentForMoodle(studentId);
    const moodleUserId = student.moodleUserId ?? (await onboardedMoodleUserId(studentId));
    if (moodleUserId !== null && student.moodleUserId === null && patched('profile-leaves-onboarding-account') && (onboarding ?? (await temporal.temporalOnboardingState(studentId)).state) === 'running') {
      // An account ERPNext does not link yet, while onboarding runs: it is that run's, between its
      // create and its write-back. Onboarding shares what it wrote, then writes the link, whose
      // on_update brings any later save here. Pushing now, without that baseline, wrote the whole
      // profile a second time (the insert's own on_update settling first, seen under load).
      return { sync: { at, outcome: 'no-moodle-account', changed: [] } };
    }
    if (moodleUserId === null) {
      // Onboarding that completed `no-email` holds its once-only id: without this, a placeholder
      // address later corrected would never be onboarded.
      if (student.emailDeliverable && patched('onboard-when-email-deliverable') && (await onboardIfStalled(studentId))) {
        return { sync: { at, outcome: 'onboarding-started', changed: [] } };
      }
      return { sync: { at, outcome: 'no-moodle-account', changed: [] } };
    }
    const { changed } = await moodle.moodleSyncProfile({ userId: moodleUserId, desired: student.desired, baseline: currentBaseline() });
    return { sync: { at, outcome: changed.length > 0 ? 'pushed' : 'unchanged', changed }, matched: { desired: student.desired, profileFingerprint: student.profileFingerprint } };
  } catch (err) {
    // A permanent failure (e.g. Moodle refusing an email another account has) must not end the
    // per-student workflow: it is recorded and the next change tries again.
    // Only an ApplicationFailure is recorded; anything else (a cancellation, a timeout) propagates.
    const failure = err instanceof ActivityFailure ? err.cause : err;
    if (!(failure instanceof ApplicationFailure)) throw err;
    const { type, message } = describeFailure(err);
    return { sync: { at, outcome: 'failed', changed: [], error: type ? `${type}: ${message}` : message } };
  }
}

/**
 * Starts `onboard:<Student>` (an abandoned child, as the gateway's starter would) when no run has
 * it (the after_insert was lost) or the last one completed `no-email` (the id is taken, so this
 * start allows a duplicate). A running, parked, skipped or failed onboarding is left alone: the
 * last is for `retry`. True when it started one.
 */
async function onboardIfStalled(studentId: string): Promise<boolean> {
  const { state, policy } = await temporal.temporalOnboardingState(studentId);
  if (state !== 'none' && state !== 'completed-no-email') return false;
  try {
    await startChild('onboardStudent', {
      workflowId: workflowIds.onboard(studentId),
      args: [{ studentId, policy }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: state === 'none' ? 'ALLOW_DUPLICATE_FAILED_ONLY' : 'ALLOW_DUPLICATE',
      typedSearchAttributes: studentRunAttributes(syncKinds.onboard, studentId),
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

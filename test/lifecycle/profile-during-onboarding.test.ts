import type { ChangeFeedReadActivities, OnboardingState } from '../../activities/change-feed-reads';
import type { ErpnextActivities, StudentForMoodle } from '../../activities/erpnext';
import type { MoodleActivities } from '../../activities/moodle';
import { mappingSchema } from '../../src/config/mapping-file';
import { lifecyclePolicy } from '../../src/mapping/lifecycle-policy';
import type { DesiredMoodleUser } from '../../src/mapping/moodle-user';
import { taskQueues } from '../../src/common/task-queues';
import { studentChangedSignal, syncProfile } from '../../workflows/sync-profile';
import { workflowsOnDevServer, type Fakes } from '../support/temporal';

/**
 * A Student's insert fires on_update as well as after_insert, so the profile workflow may sync
 * while onboarding is half done: the Moodle account exists (found by idnumber) but ERPNext does
 * not link it yet, and onboarding has not shared what it wrote. Seen under load in the end-to-end
 * suite as a second full profile write. The sync must leave that account to the running
 * onboarding; an account with no onboarding running is still synced.
 */
let serial = 0;

const temporal = workflowsOnDevServer();

const policy = lifecyclePolicy(mappingSchema.parse({}));

function student(id: string): StudentForMoodle {
  const email = `${id.toLowerCase()}@students.cbu.example`;
  const desired: DesiredMoodleUser = { idnumber: id, username: id.toLowerCase(), firstname: 'Ada', lastname: 'Lovelace', email, phone1: '', address: '', city: 'London', customfields: {} };
  return { studentId: id, email, emailDeliverable: true, moodleUserId: null, profileFingerprint: `fingerprint-of-${id}`, desired };
}

/**
 * One save's sync of a Student whose account Moodle has, with onboarding standing as given. By
 * default ERPNext does not link it yet and the profile workflow knows no baseline (a new
 * admission's insert); `shared` starts it as onboarding does once it wrote the account, with the
 * baseline, and links the Student, and the save then changes a field.
 */
async function syncWhileUnlinked(onboarding: OnboardingState, shared = false) {
  const id = `EDU-STU-2026-7${String(++serial).padStart(4, '0')}`;
  const pushes: (DesiredMoodleUser | null)[] = [];
  const reads = { student: 0, account: 0 };
  const erpnext: Fakes<ErpnextActivities> = {
    async erpnextGetStudentForMoodle(studentId) {
      reads.student++;
      return { ...student(studentId), moodleUserId: shared ? 77 : null };
    },
  };
  const moodle: Fakes<MoodleActivities> = {
    async moodleFindAccountsByIdnumber(idnumber) {
      reads.account++;
      return [{ id: 77, username: idnumber.toLowerCase(), idnumber, email: student(idnumber).email, suspended: false }];
    },
    async moodleSyncProfile({ baseline }) {
      pushes.push(baseline);
      return { changed: ['phone1'] };
    },
  };
  const workflows: Fakes<ChangeFeedReadActivities> = {
    async temporalOnboardingState() {
      return { state: onboarding, policy };
    },
  };
  const result = await temporal.withWorkers({ erpnext, moodle, workflows }, async () => {
    const baseline = shared ? { baseline: student(id).desired, profileFingerprint: 'fingerprint-onboarding-wrote' } : {};
    const handle = await temporal.client.workflow.signalWithStart(syncProfile, {
      workflowId: `profile:${id}`,
      taskQueue: taskQueues.workflows,
      args: [{ studentId: id, settle: '100ms', idleTimeout: '1s', ...baseline }],
      signal: studentChangedSignal,
      signalArgs: [{ profileFingerprint: student(id).profileFingerprint }],
    });
    return handle.result();
  });
  return { result, pushes, reads };
}

it('leaves a new admission to the onboarding that is making its account: nothing read, nothing pushed before its baseline', async () => {
  const { result, pushes, reads } = await syncWhileUnlinked('running');
  expect(pushes).toEqual([]);
  // The link onboarding writes fires the on_update that brings this save's fields (a burst cost two requests an admission here).
  expect(reads).toEqual({ student: 0, account: 0 });
  expect(result).toMatchObject({ syncs: 1, last: { outcome: 'no-moodle-account' } });
}, 60_000);

it('syncs a save made after onboarding shared its baseline, though onboarding still runs', async () => {
  const { result, pushes, reads } = await syncWhileUnlinked('running', true);
  expect(reads.student).toBe(1);
  expect(pushes).toEqual([student(result.studentId).desired]);
  expect(result).toMatchObject({ syncs: 1, last: { outcome: 'pushed', changed: ['phone1'] } });
}, 60_000);

it('still syncs an unlinked account when no onboarding is running', async () => {
  const { result, pushes } = await syncWhileUnlinked('other');
  expect(pushes).toEqual([null]);
  expect(result).toMatchObject({ syncs: 1, last: { outcome: 'pushed', changed: ['phone1'] } });
}, 60_000);

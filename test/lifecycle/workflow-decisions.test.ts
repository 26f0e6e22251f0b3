import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ChangeFeedReadActivities } from '../../activities/change-feed-reads';
import type { ErpnextActivities, StudentForMoodle } from '../../activities/erpnext';
import type { MoodleActivities } from '../../activities/moodle';
import type { MoodleAccount } from '../../src/mapping/moodle-account';
import type { DesiredMoodleUser } from '../../src/mapping/moodle-user';
import { NeedsOperator } from '../../src/common/search-attributes';
import { taskQueues } from '../../src/common/task-queues';
import { conflictQuery, onboardStudent, resolveConflictUpdate } from '../../workflows/onboard-student';
import { lastSyncQuery, moodleBaselineSignal, studentChangedSignal, syncProfile } from '../../workflows/sync-profile';
import { workflowsOnDevServer, type Fakes } from '../support/temporal';

/**
 * Workflow decisions against in-memory activities: conflict parking and operator decisions, the
 * conflict timeout, and profile-update coalescing. The end-to-end suite runs the real activities.
 */
let serial = 0;

const temporal = workflowsOnDevServer();

function student(id: string): StudentForMoodle {
  return {
    studentId: id,
    email: `${id.toLowerCase()}@students.cbu.example`,
    emailDeliverable: true,
    moodleUserId: null,
    profileFingerprint: `fingerprint-of-${id}`,
    desired: {
      idnumber: id,
      username: id.toLowerCase(),
      firstname: 'Zara',
      lastname: 'Hussain',
      email: `${id.toLowerCase()}@students.cbu.example`,
      phone1: '',
      address: '',
      city: 'York',
      customfields: {},
    },
  };
}

/** A small world: one student whose email is on a Moodle account that belongs to someone else. */
function conflictWorld(id: string) {
  const taken: MoodleAccount = { id: 41, username: 'zhussain', idnumber: 'EDU-STU-2025-00417', email: student(id).email.toUpperCase(), suspended: false };
  const calls = { created: 0, linked: [] as number[], written: [] as number[], enrolled: [] as number[][] };
  const moodle: Fakes<MoodleActivities> = {
    async moodleFindStudentAccounts() {
      return { byIdnumber: [], byEmail: [taken] };
    },
    async moodleLinkAccount({ userId }) {
      calls.linked.push(userId);
      return { changed: true };
    },
    async moodleCreateStudentUser() {
      calls.created++;
      return { id: 99, created: true };
    },
    async moodleResolveCourses(idnumbers) {
      return { courses: idnumbers.map((idnumber, i) => ({ idnumber, id: 10 + i })), missing: [] };
    },
    async moodleEnrolStudent({ courseIds }) {
      calls.enrolled.push(courseIds);
    },
    async moodleSyncProfile() {
      return { changed: [] };
    },
  };
  const erpnext: Fakes<ErpnextActivities> = {
    async erpnextGetStudentForMoodle(studentId) {
      return student(studentId);
    },
    async erpnextStudentsSharingEmail() {
      return [];
    },
    async erpnextSetMoodleUserId({ moodleUserId }) {
      calls.written.push(moodleUserId);
      return { changed: true };
    },
    async erpnextCoursesGranted() {
      return { programs: ['BA Business'], courseIdnumbers: ['BUS101', 'BUS102'] };
    },
  };
  return { moodle, erpnext, calls, taken };
}

const policy = (conflictTimeoutMs: number) => ({ studentRoleId: 5, withdrawal: 'suspend' as const, conflictTimeoutMs });

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read();
    if (done(value) || attempt > 100) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('onboardStudent identity conflicts', () => {
  it('parks visibly, refuses an invalid decision, then links the account the operator chose', async () => {
    const id = `EDU-STU-2026-8${String(++serial).padStart(4, '0')}`;
    const world = conflictWorld(id);
    const result = await temporal.withWorkers({ moodle: world.moodle, erpnext: world.erpnext }, async () => {
      const handle = await temporal.client.workflow.start(onboardStudent, { workflowId: `onboard:${id}`, taskQueue: taskQueues.workflows, args: [{ studentId: id, policy: policy(3_600_000) }] });
      const conflict = await waitFor(() => handle.query(conflictQuery), (c) => c !== null);
      expect(conflict).toMatchObject({ kind: 'email-taken', studentId: id, candidates: [world.taken], otherStudents: [] });
      expect((await handle.describe()).typedSearchAttributes.get(NeedsOperator)).toBe(true);

      await expect(handle.executeUpdate(resolveConflictUpdate, { args: [{ action: 'link', moodleUserId: 7 }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      expect(await handle.executeUpdate(resolveConflictUpdate, { args: [{ action: 'link', moodleUserId: 41 }] })).toBe('link');
      await expect(handle.executeUpdate(resolveConflictUpdate, { args: [{ action: 'skip' }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      const done = await handle.result();
      expect((await handle.describe()).typedSearchAttributes.get(NeedsOperator)).toBe(false);
      return done;
    });
    expect(result).toEqual({ studentId: id, outcome: 'linked', moodleUserId: 41, decision: 'link', enrolledCourses: ['BUS101', 'BUS102'], missingCourses: [], coverage: { programEnrollments: [], courses: [] } });
    expect(world.calls).toEqual({ created: 0, linked: [41], written: [41], enrolled: [[10, 11]] });
  });

  it('follows a skip decision without touching Moodle', async () => {
    const id = `EDU-STU-2026-8${String(++serial).padStart(4, '0')}`;
    const world = conflictWorld(id);
    const result = await temporal.withWorkers({ moodle: world.moodle, erpnext: world.erpnext }, async () => {
      const handle = await temporal.client.workflow.start(onboardStudent, { workflowId: `onboard:${id}`, taskQueue: taskQueues.workflows, args: [{ studentId: id, policy: policy(3_600_000) }] });
      await waitFor(() => handle.query(conflictQuery), (c) => c !== null);
      await handle.executeUpdate(resolveConflictUpdate, { args: [{ action: 'skip' }] });
      return handle.result();
    });
    expect(result).toMatchObject({ outcome: 'skipped', moodleUserId: null, decision: 'skip' });
    expect(world.calls).toEqual({ created: 0, linked: [], written: [], enrolled: [] });
  });

  it('fails with a clear, typed reason when nobody decides in time', async () => {
    const id = `EDU-STU-2026-8${String(++serial).padStart(4, '0')}`;
    const world = conflictWorld(id);
    const failure = await temporal.withWorkers({ moodle: world.moodle, erpnext: world.erpnext }, async () => {
      const handle = await temporal.client.workflow.start(onboardStudent, { workflowId: `onboard:${id}`, taskQueue: taskQueues.workflows, args: [{ studentId: id, policy: policy(1_500) }] });
      return handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
    });
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'IdentityConflictUnresolved', nonRetryable: true });
    expect(cause?.message).toMatch(new RegExp(`Identity conflict \\(email-taken\\) for Student ${id} was not resolved`));
    expect(world.calls.created + world.calls.linked.length).toBe(0);
  });
});

describe('syncProfile coalescing', () => {
  // These students' onboarding has finished (they are linked): a first sync asks, and then reads.
  const workflows: Fakes<ChangeFeedReadActivities> = {
    async temporalOnboardingState() {
      return { state: 'other', policy: policy(0) };
    },
  };

  it('turns a burst of updates into one sync of the latest data, and syncs again for a later one', async () => {
    const id = `EDU-STU-2026-8${String(++serial).padStart(4, '0')}`;
    let version = 0;
    const pushed: string[] = [];
    const erpnext: Fakes<ErpnextActivities> = {
      async erpnextGetStudentForMoodle(studentId) {
        const s = student(studentId);
        return { ...s, moodleUserId: 77, desired: { ...s.desired, city: `City v${version}` } };
      },
    };
    const moodle: Fakes<MoodleActivities> = {
      async moodleSyncProfile({ desired }) {
        pushed.push(desired.city);
        return { changed: ['city'] };
      },
    };
    const signalWithStart = () =>
      temporal.client.workflow.signalWithStart(syncProfile, {
        workflowId: `profile:${id}`,
        taskQueue: taskQueues.workflows,
        args: [{ studentId: id, settle: '700ms', idleTimeout: '3s' }],
        signal: studentChangedSignal,
        signalArgs: [],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    const result = await temporal.withWorkers({ moodle, erpnext, workflows }, async () => {
      for (let save = 1; save <= 5; save++) {
        version = save;
        await signalWithStart();
      }
      const handle = temporal.client.workflow.getHandle(`profile:${id}`);
      await waitFor(() => handle.query(lastSyncQuery), (last) => last !== null);
      version = 6;
      await signalWithStart();
      return handle.result();
    });
    expect(pushed).toEqual(['City v5', 'City v6']);
    expect(result).toMatchObject({ studentId: id, syncs: 2, last: { outcome: 'pushed', changed: ['city'] } });
  });

  it('judges what Moodle hides against the baseline onboarding signals, and then against what it synced', async () => {
    const id = `EDU-STU-2026-8${String(++serial).padStart(4, '0')}`;
    const written = student(id).desired;
    const baselines: (DesiredMoodleUser | null)[] = [];
    const erpnext: Fakes<ErpnextActivities> = {
      async erpnextGetStudentForMoodle(studentId) {
        return { ...student(studentId), moodleUserId: 77 };
      },
    };
    const moodle: Fakes<MoodleActivities> = {
      async moodleSyncProfile({ baseline }) {
        baselines.push(baseline);
        return { changed: [] };
      },
    };
    const start = () =>
      temporal.client.workflow.signalWithStart(syncProfile, {
        workflowId: `profile:${id}`,
        taskQueue: taskQueues.workflows,
        args: [{ studentId: id, settle: '1s', idleTimeout: '2s' }],
        signal: studentChangedSignal,
        signalArgs: [],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    const result = await temporal.withWorkers({ moodle, erpnext, workflows }, async () => {
      const handle = await start();
      await handle.signal(moodleBaselineSignal, { ...written, phone1: '+44 7700 900001' });
      await waitFor(() => handle.query(lastSyncQuery), (last) => last !== null);
      await start();
      return handle.result();
    });
    expect(baselines).toEqual([{ ...written, phone1: '+44 7700 900001' }, written]);
    expect(result).toMatchObject({ syncs: 2, last: { outcome: 'unchanged' } });
  });
});

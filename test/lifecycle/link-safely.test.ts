import type { WorkflowHandle } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createMoodleActivities, moodleFailureTypes } from '../../activities/moodle';
import { mappingSchema } from '../../src/config/mapping-file';
import { createErpnextClient } from '../../src/erpnext/client';
import { lifecyclePolicy } from '../../src/mapping/lifecycle-policy';
import { createMoodleClient, type MoodleClient } from '../../src/moodle/client';
import { NeedsOperator } from '../../src/common/search-attributes';
import { startLifecycleWorkflow } from '../../src/starters/lifecycle-events';
import { conflictQuery, resolveConflictUpdate, type IdentityConflict, type OnboardStudentResult } from '../../workflows/onboard-student';
import { demoStudents } from '../../sandboxes/demo-data';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { eventually } from './lifecycle-stack';
import { bundleWorkflows, connectTestEnv, createTestWorkers, type TemporalTestEnv } from '../support/temporal';

/*
 * Linking never overwrites another student's idnumber: on the dev server with both demo
 * sandboxes and the real activities, an account that carries another idnumber (from the start,
 * or claimed between the workflow's look and its write) parks the onboarding for the operator,
 * and Moodle's record of the account stays as it was.
 */

let env: TemporalTestEnv;
let moodleSandbox: MoodleSandbox;
let erpnextSandbox: ErpnextSandbox;
let moodle: MoodleClient;
let workflowBundle: WorkflowBundle;
const mapping = mappingSchema.parse({});

beforeAll(async () => {
  env = await connectTestEnv();
  moodleSandbox = await startMoodleSandbox({ seed: 'demo' });
  erpnextSandbox = await startErpnextSandbox({ seed: 'demo' });
  moodle = createMoodleClient({ url: moodleSandbox.url, token: 'dev-moodle-token' });
  workflowBundle = await bundleWorkflows();
}, 120_000);
afterAll(async () => {
  await erpnextSandbox?.close();
  await moodleSandbox?.close();
  await env?.close();
});

/** Runs the workers with the real activities; `claimAfterLook` claims an account right after the workflow's first look at them. */
async function withStack<T>(body: () => Promise<T>, claimAfterLook?: { userId: number; idnumber: string }): Promise<T> {
  const activities = createActivities({ moodle, erpnext: createErpnextClient({ url: erpnextSandbox.url, apiKey: 'dev-key', apiSecret: 'dev-secret' }), mapping });
  const find = activities.moodle.moodleFindStudentAccounts;
  let claim = claimAfterLook;
  activities.moodle.moodleFindStudentAccounts = async (input) => {
    const found = await find(input);
    // Another process (a teacher, a second integration) sets an idnumber between look and write.
    if (claim) await moodle.updateUsers([{ id: claim.userId, idnumber: claim.idnumber }]);
    claim = undefined;
    return found;
  };
  const workers = await createTestWorkers(env, { workflowBundle, ...activities });
  return workers.runUntil(body());
}

const accountIdnumber = async (id: number) => (await moodle.getUsersByField('id', [id]))[0]?.idnumber;
const needsOperator = async (handle: WorkflowHandle) => (await handle.describe()).typedSearchAttributes.get(NeedsOperator);

async function parkedOn(handle: WorkflowHandle, kind: IdentityConflict['kind']): Promise<IdentityConflict | null> {
  return eventually(() => handle.query(conflictQuery), (c) => c?.kind === kind);
}

async function onboard(student: string): Promise<WorkflowHandle> {
  const { workflowId } = await startLifecycleWorkflow(env.client, { kind: 'student-created', student }, lifecyclePolicy(mapping));
  return env.client.workflow.getHandle(workflowId);
}

// An account with no idnumber or the same one links as before: moodle-activities.test.ts.
test('the activity refuses, typed and final, to overwrite another idnumber', async () => {
  const s = demoStudents.find((x) => x.moodle === 'conflicting-idnumber')!;
  const [taken] = await moodle.getUsersByField('email', [s.email]);
  const activities = createMoodleActivities(moodle, mapping.moodle);
  const refused = await new MockActivityEnvironment().run(activities.moodleLinkAccount, { userId: taken.id, idnumber: s.name }).catch((err: unknown) => err);
  expect(refused).toMatchObject({ type: moodleFailureTypes.accountClaimed, nonRetryable: true });
  expect(String((refused as Error).message)).not.toContain(s.email);
  expect(await accountIdnumber(taken.id)).toBe(taken.idnumber);
  expect(taken.idnumber).not.toBe('');
}, 30_000);

test('an account with the student email and another idnumber parks; a link to it parks again, unchanged; once cleared in Moodle the link works', async () => {
  const s = demoStudents.find((x) => x.moodle === 'conflicting-idnumber')!;
  const [taken] = await moodle.getUsersByField('email', [s.email]);
  const owner = taken.idnumber;
  expect(owner).toBeTruthy();

  const result = await withStack(async () => {
    const handle = await onboard(s.name);
    expect(await parkedOn(handle, 'email-taken')).toMatchObject({ candidates: [{ id: taken.id, idnumber: owner }] });
    expect(await needsOperator(handle)).toBe(true);

    // The operator picks the claimed account: accepted as a candidate, refused by the link itself.
    expect(await handle.executeUpdate(resolveConflictUpdate, { args: [{ action: 'link', moodleUserId: taken.id }] })).toBe('link');
    expect(await parkedOn(handle, 'account-claimed')).toMatchObject({ studentId: s.name, candidates: [{ id: taken.id, idnumber: owner }] });
    expect(await needsOperator(handle)).toBe(true);
    expect(await accountIdnumber(taken.id)).toBe(owner);

    // The operator clears the idnumber in Moodle (it was the wrong person's), then links again.
    await moodle.updateUsers([{ id: taken.id, idnumber: '' }]);
    expect(await handle.executeUpdate(resolveConflictUpdate, { args: [{ action: 'link', moodleUserId: taken.id }] })).toBe('link');
    const done = (await handle.result()) as OnboardStudentResult;
    expect(await needsOperator(handle)).toBe(false);
    return done;
  });
  expect(result).toMatchObject({ outcome: 'linked', decision: 'link', moodleUserId: taken.id });
  expect(await accountIdnumber(taken.id)).toBe(s.name);
}, 90_000);

test('an account claimed between the look and the write parks as account-claimed and keeps its new idnumber', async () => {
  const s = demoStudents.find((x) => x.moodle === 'unlinked-same-email')!;
  const [handMade] = await moodle.getUsersByField('email', [s.email]);
  expect(handMade.idnumber ?? '').toBe('');
  const claimant = 'EDU-STU-2025-09999';

  const result = await withStack(async () => {
    const handle = await onboard(s.name);
    const conflict = await parkedOn(handle, 'account-claimed');
    expect(conflict?.candidates).toEqual([expect.objectContaining({ id: handMade.id, idnumber: claimant })]);
    expect(await needsOperator(handle)).toBe(true);
    expect(await accountIdnumber(handMade.id)).toBe(claimant);
    await handle.executeUpdate(resolveConflictUpdate, { args: [{ action: 'skip' }] });
    return (await handle.result()) as OnboardStudentResult;
  }, { userId: handMade.id, idnumber: claimant });
  expect(result).toMatchObject({ outcome: 'skipped', moodleUserId: null });
  expect(await accountIdnumber(handMade.id)).toBe(claimant);
  expect(await moodle.getUsersByField('idnumber', [s.name])).toEqual([]);
}, 90_000);

import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { activityCall } from '../../activities/activity-call';
import { createRequestPacer } from '../../src/http/request-pacer';
import { createMoodleClient } from '../../src/moodle/client';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { bundleWorkflows, connectTestEnv, withWorkers, type TemporalTestEnv } from '../support/temporal';

/**
 * The attempt deadline as the product's workers run it (src/temporal/task-queue-workers.ts
 * registers the interceptor): a real activity on the dev server whose second request waits in the
 * pacer past the attempt's 3 s start-to-close. With the interceptor the attempt ends itself just
 * before its timeout and the waiting request never leaves; without it the attempt would time out
 * on the server, the worker would cancel it only ~5 s later, and the request would go out at 4 s.
 * (attempt-deadline.test.ts checks the interceptor and pacer alone, on a stand-in Context.)
 */
jest.setTimeout(60_000);

let env: TemporalTestEnv;
let sandbox: MoodleSandbox;
let workflowBundle: Awaited<ReturnType<typeof bundleWorkflows>>;

beforeAll(async () => {
  [env, sandbox, workflowBundle] = await Promise.all([connectTestEnv(), startMoodleSandbox(), bundleWorkflows(require.resolve('./support/two-lookups-workflow'))]);
});
afterAll(async () => {
  await sandbox?.close();
  await env?.close();
});

async function handledRequests(): Promise<number> {
  const counts = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Record<string, number>;
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

test("a worker's activity attempt sends nothing after its start-to-close: it ends as AttemptDeadlinePassed, its waiting request unsent", async () => {
  await fetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' });
  // One request every 4 s: the second would leave 4 s in, after the 3 s start-to-close.
  const moodle = createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token', pacer: createRequestPacer({ perSecond: 1 / 4 }) });
  const activities = {
    async lookUpTwoStudents(): Promise<void> {
      await moodle.getUsersByField('idnumber', ['EDU-STU-2026-00001'], activityCall());
      await moodle.getUsersByField('idnumber', ['EDU-STU-2026-00002'], activityCall());
    },
  };

  const failure = await withWorkers(env, { workflowBundle, moodle: activities }, () =>
    env.client.workflow.execute('twoLookupsWorkflow', { taskQueue: 'campus-bridge', workflowId: `deadline-${Date.now()}` }).catch((err: unknown) => err),
  );

  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const activityFailure = (failure as WorkflowFailedError).cause;
  expect(activityFailure).toBeInstanceOf(ActivityFailure);
  // Ended by the attempt itself, not timed out by the server.
  expect((activityFailure as ActivityFailure).cause).toBeInstanceOf(ApplicationFailure);
  expect(((activityFailure as ActivityFailure).cause as ApplicationFailure).type).toBe('AttemptDeadlinePassed');
  // Past the moment the pacer would have sent the second request (4 s after the first).
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect(await handledRequests()).toBe(1);
});

import { createServer, type Server } from 'node:http';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { WorkflowBundle } from '@temporalio/worker';
import { toApplicationFailure, withFailureMapping } from '../../activities/failure';
import { createErpnextClient } from '../../src/erpnext/client';
import { errorFromResponse } from '../../src/erpnext/errors';
import { createMoodleClient } from '../../src/moodle/client';
import { moodleHttpError } from '../../src/moodle/errors';
import { serverErrorAttemptLimit } from '../../src/errors/integration-error';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { bundleWorkflows, connectTestEnv, withWorkers, type TemporalTestEnv } from '../support/temporal';

/**
 * Issue 9, defect 5: a deterministic server crash is retried a bounded number of times and then
 * fails for good, naming the server's exception; outage answers keep retrying. On a real Temporal
 * worker: the ERPNext sandbox crashes on a Student without email as Education does (500
 * AttributeError, 121), and a stand-in Moodle answers every call with debugging's empty 500.
 * Before the fix both workflows retried for ever (the test timed out).
 */
let env: TemporalTestEnv;
let bundle: WorkflowBundle;
let erpnext: ErpnextSandbox;
let moodle: Server;
let moodleUrl: string;
let moodleRequests = 0;

beforeAll(async () => {
  env = await connectTestEnv();
  bundle = await bundleWorkflows(require.resolve('./support/crash-workflows'));
  erpnext = await startErpnextSandbox({ seed: 'empty' });
  moodle = createServer((_request, response) => {
    moodleRequests += 1;
    response.writeHead(500).end();
  });
  await new Promise<void>((resolve) => moodle.listen(0, '127.0.0.1', resolve));
  const address = moodle.address();
  moodleUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}, 60_000);
afterAll(async () => {
  await erpnext?.close();
  await new Promise((resolve) => moodle?.close(resolve));
  await env?.close();
});

const activities = () => {
  const erp = createErpnextClient({ url: erpnext.url, apiKey: 'dev-key', apiSecret: 'dev-secret' });
  const lms = createMoodleClient({ url: moodleUrl, token: 'a-moodle-token-never-shown' });
  return withFailureMapping({
    admitStudentWithoutEmail: async () => (await erp.insert('Student', { first_name: 'Nomail', last_name: 'Person' })).name,
    moodleCall: async () => {
      await lms.getUsersByField('idnumber', ['EDU-STU-2026-00001']);
    },
  });
};

async function failureOf(workflowType: string): Promise<ApplicationFailure> {
  const set = activities();
  const error = await withWorkers(env, { workflowBundle: bundle, erpnext: set, moodle: set }, () =>
    env.client.workflow.execute(workflowType, { taskQueue: 'campus-bridge', workflowId: `${workflowType}-${Date.now()}`, workflowExecutionTimeout: '40s' }).then(
      () => undefined,
      (err: unknown) => err,
    ),
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const activity = (error as WorkflowFailedError).cause;
  expect(activity).toBeInstanceOf(ActivityFailure);
  const cause = (activity as ActivityFailure).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

it('an ERPNext 500 AttributeError fails the activity for good after the attempt limit, naming the exception', async () => {
  await fetch(`${erpnext.url}/__sandbox/requests`, { method: 'DELETE' });
  const failure = await failureOf('admitWithoutEmail');
  expect(failure).toMatchObject({ type: 'erpnext.AttributeError', nonRetryable: true });
  expect(failure.message).toContain('HTTP 500 AttributeError');
  expect(failure.message).toContain("'NoneType' object has no attribute 'strip'");
  expect(failure.message).not.toContain('dev-secret');
  const requests = (await (await fetch(`${erpnext.url}/__sandbox/requests`)).json()) as Record<string, number>;
  expect(requests['POST Student']).toBe(serverErrorAttemptLimit);
}, 60_000);

it("Moodle's empty 500 fails the activity for good after the attempt limit", async () => {
  moodleRequests = 0;
  const failure = await failureOf('callMoodle');
  expect(failure).toMatchObject({ type: 'moodle.HTTP_500', nonRetryable: true });
  expect(failure.message).toContain('core_user_get_users_by_field answered HTTP 500');
  expect(failure.message).not.toContain('a-moodle-token-never-shown');
  expect(moodleRequests).toBe(serverErrorAttemptLimit);
}, 60_000);

describe('answers that keep retrying at any attempt', () => {
  const retryableAt = (err: unknown, attempt: number) => {
    const failure = toApplicationFailure(err, () => attempt) as ApplicationFailure;
    return failure.nonRetryable !== true;
  };

  it.each([502, 503, 504])('Moodle HTTP %i', (status) => {
    expect(retryableAt(moodleHttpError(status, 'core_user_get_users', undefined), 50)).toBe(true);
  });

  it.each([
    [502, undefined],
    [503, undefined],
    [504, undefined],
    [429, undefined],
    [417, 'TimestampMismatchError'],
    [500, 'QueryDeadlockError'],
    [500, 'LockWaitTimeoutError'],
  ])('ERPNext HTTP %i %s', (status, excType) => {
    const body = excType ? JSON.stringify({ exc_type: excType, exception: `frappe.exceptions.${excType}: try again` }) : '<html>Bad Gateway</html>';
    const err = errorFromResponse('GET /api/resource/Student', status, new Headers(), body);
    expect(err.kind).not.toBe('permanent');
    expect(retryableAt(err, 50)).toBe(true);
  });
});

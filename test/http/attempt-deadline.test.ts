import type { Context } from '@temporalio/activity';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { ActivityExecuteInput } from '@temporalio/worker';
import { createRequestPacer } from '../../src/http/request-pacer';
import { createMoodleClient } from '../../src/moodle/client';
import { AttemptDeadlinePassed, attemptSignal, endingAttemptsBeforeTheirTimeout } from '../../activities/attempt-deadline';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';

/**
 * An attempt's requests stop at its start-to-close: a request still waiting in the pacer when the
 * attempt's time is up is never sent (Temporal has already scheduled the retry, which sends its
 * own). Counted by the Moodle sandbox, which answers each request it handles.
 */
let sandbox: MoodleSandbox;
beforeAll(async () => {
  sandbox = await startMoodleSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

async function handledRequests(): Promise<number> {
  const counts = (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Record<string, number>;
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** Runs `body` as one activity attempt with this start-to-close, through the worker's interceptor. */
function asAttempt(startToCloseTimeoutMs: number, cancellation: AbortSignal, body: (signal: AbortSignal) => Promise<unknown>): Promise<unknown> {
  const context = { info: { startToCloseTimeoutMs }, cancellationSignal: cancellation } as unknown as Context;
  const interceptor = endingAttemptsBeforeTheirTimeout(context).inbound!;
  return interceptor.execute!({} as ActivityExecuteInput, () => body(attemptSignal(context)));
}

test('a request waiting in the pacer past its attempt\'s start-to-close is never sent, one sent in time is', async () => {
  await fetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' });
  // One request every 3 s: the attempt's second request would leave 3 s in, after its 2 s timeout.
  const moodle = createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token', pacer: createRequestPacer({ perSecond: 1 / 3 }) });
  const outcome = await asAttempt(2_000, new AbortController().signal, async (signal) => {
    await moodle.getUsersByField('idnumber', ['EDU-STU-2026-00001'], { signal });
    return moodle.getUsersByField('idnumber', ['EDU-STU-2026-00002'], { signal });
  }).catch((err: unknown) => err);

  expect(outcome).toBeInstanceOf(AttemptDeadlinePassed);
  // Past the moment the pacer would have sent the second one.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await handledRequests()).toBe(1);
});

test('the attempt\'s own cancellation still aborts its waiting request', async () => {
  await fetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' });
  const moodle = createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token', pacer: createRequestPacer({ perSecond: 1 / 3 }) });
  const cancellation = new AbortController();
  const outcome = asAttempt(30_000, cancellation.signal, async (signal) => {
    await moodle.getUsersByField('idnumber', ['EDU-STU-2026-00001'], { signal });
    setTimeout(() => cancellation.abort(new Error('cancelled by Temporal')), 200);
    return moodle.getUsersByField('idnumber', ['EDU-STU-2026-00002'], { signal });
  }).catch((err: unknown) => err);

  expect(((await outcome) as Error).message).toBe('cancelled by Temporal');
  await new Promise((resolve) => setTimeout(resolve, 3_500));
  expect(await handledRequests()).toBe(1);
});

test('an attempt with dozens of requests waiting their turn on its one signal raises no leak warning', async () => {
  // Node's warnings reach the real process, not the one jest gives a test file: run it in a child.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'support/many-waiting-requests.ts')], { env: { ...process.env, MOODLE_URL: sandbox.url }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: 'answered 30' });
  expect(stderr).not.toContain('MaxListenersExceededWarning');
});

import { createMoodleClient, type NewMoodleUser } from '../../src/moodle/client';
import { MoodleError } from '../../src/moodle/errors';
import { createMoodleTransport } from '../../src/moodle/rest-transport';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { z } from 'zod';

/**
 * Issue 9, defect 4: Moodle creates are sized and timed from their measured cost, and a create
 * that timed out is treated as unknown. The sandbox's timing model (simulateMoodleTiming: 44 ms
 * + 57 ms per user created) makes a batch take as long as a real site's; the client's configured
 * timeout is short (1 s). Before the fix, 150 users went in one request (only max_input_vars split
 * it), which ran 8.5 s and timed out while the sandbox went on and committed it.
 */
let sandbox: MoodleSandbox;
const token = 'dev-moodle-token';

beforeEach(async () => {
  sandbox = await startMoodleSandbox({ seed: 'empty', simulateMoodleTiming: true });
});
afterEach(() => sandbox.close());

const newUsers = (from: number, count: number): NewMoodleUser[] =>
  Array.from({ length: count }, (_, i) => {
    const n = String(from + i).padStart(5, '0');
    return { username: `edu-stu-2026-${n}`, idnumber: `EDU-STU-2026-${n}`, firstname: 'Batch', lastname: `Student ${n}`, email: `student${n}@example.edu`, createpassword: true };
  });

const requests = async () => (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Record<string, number>;
const mails = async () => ((await (await fetch(`${sandbox.url}/__sandbox/mail`)).json()) as { to?: string }[]).length;

it('150 users go in requests of at most 100, each given the time its size needs', async () => {
  const moodle = createMoodleClient({ url: sandbox.url, token, timeoutMs: 1_000 });
  const created = await moodle.createUsers(newUsers(1, 150));
  expect(created).toHaveLength(150);
  expect(new Set(created.map((c) => c.id)).size).toBe(150);
  expect((await requests()).core_user_create_users).toBe(2);
}, 60_000);

it('a create that timed out is looked up before it is sent again: only the rest are created, and mailed once', async () => {
  // A first attempt with too short a timeout (what an unsized request met): Moodle commits it anyway.
  const impatient = createMoodleTransport({ url: sandbox.url, token, timeoutMs: 500 });
  const lost = impatient('core_user_create_users', { users: newUsers(1, 30) }, z.unknown());
  await expect(lost).rejects.toMatchObject({ code: 'TIMEOUT' });
  await expect(lost).rejects.toBeInstanceOf(MoodleError);
  // Let the sandbox finish the request it is still running (44 + 57 × 30 ms).
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const mailedByFirstAttempt = await mails();
  expect(mailedByFirstAttempt).toBe(30);

  const moodle = createMoodleClient({ url: sandbox.url, token, timeoutMs: 1_000 });
  const retried = await moodle.createMissingUsers(newUsers(1, 40));
  expect(retried).toHaveLength(40);
  expect(retried.filter((r) => !r.created)).toHaveLength(30);
  expect(retried.filter((r) => r.created).map((r) => r.username)).toEqual(newUsers(31, 10).map((u) => u.username));
  expect(await mails()).toBe(40);
  const users = await moodle.getUsersByField('username', newUsers(1, 40).map((u) => u.username));
  expect(users).toHaveLength(40);
}, 60_000);

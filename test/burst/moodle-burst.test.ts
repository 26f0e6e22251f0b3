import { createMoodleBurst } from '../../activities/burst/moodle-burst';
import { createMoodleClient, type NewMoodleUser } from '../../src/moodle/client';
import { MoodleError } from '../../src/moodle/errors';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';

/**
 * The gathered Moodle calls against the Moodle sandbox (no Temporal): concurrent creates and
 * enrols share requests, a record Moodle refuses fails alone with Moodle's own error, and nobody
 * is mailed twice. The sandbox answers each request after a delay, so the calls find Moodle busy.
 */
let sandbox: MoodleSandbox;
beforeAll(async () => {
  sandbox = await startMoodleSandbox({ seed: 'demo', faults: { latencyMs: 100 } });
});
afterAll(async () => sandbox?.close());

const requests = async (): Promise<Record<string, number>> => (await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()) as Record<string, number>;
const forget = () => fetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' });
const user = (i: number): NewMoodleUser => ({ username: `edu-stu-burst-${i}`, idnumber: `EDU-STU-BURST-${i}`, firstname: `Burst${i}`, lastname: 'Admit', email: `burst.${i}@students.cbu.example`, createpassword: true });

it('twenty concurrent creates go out in a few requests; the one Moodle refuses fails alone, the rest are made and mailed once', async () => {
  const moodle = createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token' });
  // A stranger already holds one burst username (another idnumber, no mail): Moodle refuses that create.
  await moodle.createUsers([{ username: user(7).username, idnumber: 'someone-else', firstname: 'Some', lastname: 'Stranger', email: 'stranger@elsewhere.example', password: 'Str4nger!pass' }]);
  await forget();
  const burst = createMoodleBurst(moodle);

  const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => burst.createUser({ user: user(i), lookFirst: false })));

  const refused = outcomes[7]!;
  expect(refused.status).toBe('rejected');
  expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(MoodleError);
  expect((refused as PromiseRejectedResult).reason).toMatchObject({ errorcode: 'invalidparameter' });
  for (const [i, outcome] of outcomes.entries()) {
    if (i === 7) continue;
    expect(outcome).toMatchObject({ status: 'fulfilled', value: { created: true } });
    const made = sandbox.state.users.filter((u) => u.idnumber === user(i).idnumber);
    expect(made).toHaveLength(1);
    expect(sandbox.state.mail.filter((m) => m.userid === made[0]!.id)).toHaveLength(1);
  }
  expect(sandbox.state.users.filter((u) => u.idnumber === user(7).idnumber)).toHaveLength(0);
  // The first create alone, the other nineteen together, then the halvings down to the refused one.
  const creates = (await requests()).core_user_create_users!;
  expect(creates).toBeGreaterThan(1);
  expect(creates).toBeLessThanOrEqual(2 + 2 * Math.ceil(Math.log2(19)));
});

it('a retried create looks first: the account its lost attempt made is found, not created or mailed again', async () => {
  const moodle = createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token' });
  const burst = createMoodleBurst(moodle);
  const first = await burst.createUser({ user: user(100), lookFirst: false });
  const again = await burst.createUser({ user: user(100), lookFirst: true });
  expect(again).toEqual({ id: first!.id, created: false });
  expect(sandbox.state.mail.filter((m) => m.userid === first!.id)).toHaveLength(1);
});

it('concurrent enrols go out in far fewer requests than callers, each student in its courses', async () => {
  const moodle = createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token' });
  const burst = createMoodleBurst(moodle);
  const made = await moodle.createUsers(Array.from({ length: 12 }, (_, i) => ({ ...user(200 + i), createpassword: false, password: 'Burst!pass1' })));
  const courses = sandbox.state.courses.filter((c) => ['ACC101', 'BUS101'].includes(c.idnumber)).map((c) => c.id);
  await forget();
  await Promise.all(made.map((m) => burst.enrol({ student: m.username, enrolments: courses.map((courseid) => ({ roleid: 5, userid: m.id, courseid, timestart: 0, timeend: 0, suspend: false })) })));
  expect((await requests()).enrol_manual_enrol_users).toBe(2);
  for (const m of made) {
    expect((await moodle.getUsersCourses(m.id)).map((c) => c.id).sort()).toEqual([...courses].sort());
  }
});

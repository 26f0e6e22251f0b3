import { addDemoTermActivity, demoTermNow } from '../../sandboxes/demo-term-activity';
import { startErpnextSandbox, type ErpnextSandbox } from '../../sandboxes/erpnext';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';

/*
 * `npm start` loads the demo term at the real time, not at the demo's fixed day (demoTermNow):
 * Moodle's accesses and completions lie before that time, and ERPNext wrote the term on that day.
 */
let moodle: MoodleSandbox;
let erpnext: ErpnextSandbox;

beforeAll(async () => {
  moodle = await startMoodleSandbox({ seed: 'demo' });
  erpnext = await startErpnextSandbox({ seed: 'demo' });
}, 60_000);

afterAll(async () => {
  await moodle?.close();
  await erpnext?.close();
});

test('the demo term written at a given time: no Moodle access or completion after it, ERPNext rows created on that day', () => {
  // Three days before the demo's own day, as `npm start` on 1 December would run it.
  const now = new Date(demoTermNow.getTime() - 3 * 86_400_000);
  addDemoTermActivity({ moodle: moodle.state, erpnext: erpnext.state.site }, { now });
  const nowSeconds = now.getTime() / 1000;
  const accessed = moodle.state.users.filter((u) => u.lastaccess > 0);
  expect(accessed.length).toBeGreaterThan(10);
  for (const user of accessed) expect(user.lastaccess).toBeLessThanOrEqual(nowSeconds);
  // The most recent access is the same day: the pattern has students in today.
  expect(Math.max(...accessed.map((u) => u.lastaccess))).toBeGreaterThan(nowSeconds - 86_400);
  const completions = [...moodle.state.courseCompletions.values()];
  expect(completions.length).toBeGreaterThan(0);
  for (const at of completions) expect(at).toBeLessThanOrEqual(nowSeconds);
  const attendance = erpnext.state.site.rows('Student Attendance');
  expect(attendance.length).toBeGreaterThan(0);
  for (const row of attendance) expect(String(row.creation).slice(0, 10)).toBe(now.toISOString().slice(0, 10));
});

import { createMoodleClient } from '../../src/moodle/client';
import { startMoodleSandbox, type MoodleSandbox } from '../../sandboxes/moodle';
import { simulatedDurationMs } from '../../sandboxes/moodle/timing-model';

describe('real-Moodle timing model for batched writes', () => {
  test('reproduces the measured per-user costs', () => {
    expect(simulatedDurationMs('core_user_create_users', () => 1)).toBe(101);
    expect(simulatedDurationMs('core_user_create_users', () => 100) / 100).toBeCloseTo(57, 0);
    expect(simulatedDurationMs('enrol_manual_enrol_users', () => 1)).toBe(25);
    expect(simulatedDurationMs('enrol_manual_enrol_users', () => 100) / 100).toBeCloseTo(4, 0);
    expect(simulatedDurationMs('core_user_get_users_by_field', () => 100)).toBe(0);
  });

  describe('in the sandbox', () => {
    let sandbox: MoodleSandbox;
    beforeAll(async () => {
      sandbox = await startMoodleSandbox({ seed: 'empty', simulateMoodleTiming: true });
    });
    afterAll(async () => {
      await sandbox.close();
    });

    test('one batch of 5 users costs less than 5 single creations', async () => {
      const moodle = createMoodleClient({ url: sandbox.url, token: 'dev-moodle-token' });
      const user = (name: string) => ({ username: name, firstname: 'T', lastname: name, email: `${name}@example.edu`, password: 'Timing#2026' });
      let started = Date.now();
      for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) await moodle.createUsers([user(name)]);
      const single = Date.now() - started;
      started = Date.now();
      await moodle.createUsers(['b1', 'b2', 'b3', 'b4', 'b5'].map(user));
      const batched = Date.now() - started;
      expect(single).toBeGreaterThanOrEqual(5 * 101);
      expect(batched).toBeGreaterThanOrEqual(327);
      expect(batched).toBeLessThan(single);
    });
  });
});

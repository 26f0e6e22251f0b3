import type { MoodleSandbox } from '../../sandboxes/moodle';

/** Accounts sharing an idnumber, and accounts mailed more than once, counted in the Moodle sandbox's state: both must be 0. */
export function moodleDuplicates(moodle: MoodleSandbox): number {
  const perIdnumber = new Map<string, number>();
  for (const user of moodle.state.users) if (user.idnumber) perIdnumber.set(user.idnumber, (perIdnumber.get(user.idnumber) ?? 0) + 1);
  const perUser = new Map<number, number>();
  for (const mail of moodle.state.mail) perUser.set(mail.userid, (perUser.get(mail.userid) ?? 0) + 1);
  return [...perIdnumber.values(), ...perUser.values()].filter((n) => n > 1).reduce((sum, n) => sum + n - 1, 0);
}

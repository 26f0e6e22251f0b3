import type { NewMoodleUser } from '../../src/moodle/client';
import { duplicatesWithinBatch, moodleUserProblems } from '../../src/mapping/moodle-user-rules';

const valid: NewMoodleUser = { username: 'edu-stu-2026-00001', firstname: 'Ada', lastname: 'Lovelace', email: 'ada.lovelace@students.cbu.example', createpassword: true, idnumber: 'EDU-STU-2026-00001' };
const reasons = (user: Partial<NewMoodleUser>) => moodleUserProblems({ ...valid, ...user }).map((p) => p.reason);

describe("Moodle's rules for a new account", () => {
  it('accepts what Moodle accepts', () => {
    expect(moodleUserProblems(valid)).toEqual([]);
    expect(reasons({ username: 'a.b-c_d@e' })).toEqual([]);
  });

  it('refuses what user_create_user and create_users refuse', () => {
    expect(reasons({ username: 'Edu-Stu' })).toEqual(['username must be lower case (usernamelowercase)']);
    expect(reasons({ username: 'josé' })).toEqual(['username may only hold a-z 0-9 . - _ @ (invalidusername)']);
    expect(reasons({ lastname: '  ' })).toEqual(['lastname is required and may not be blank']);
    expect(reasons({ firstname: '<b>Ada</b>' })).toEqual(['firstname may not contain HTML tags']);
    expect(reasons({ email: 'ada@@cbu' })).toEqual(['email is not a valid address']);
    expect(reasons({ email: 'Ada <ada@cbu.example>' })).toEqual(['email is not a valid address']);
    expect(reasons({ phone1: '0'.repeat(21) })).toEqual(['phone1 is longer than 20 characters']);
    expect(reasons({ city: 'ü'.repeat(120) })).toEqual([]);
  });

  it('reports the second of two records that would clash inside one batch', () => {
    const records = [
      { student: 'A', user: valid },
      { student: 'B', user: { ...valid, username: 'other', email: 'ADA.LOVELACE@students.cbu.example' } },
      { student: 'C', user: { ...valid, email: 'c@cbu.example' } },
    ];
    expect(duplicatesWithinBatch(records).map(({ record, reason }) => [record.student, reason])).toEqual([
      ['B', 'another student in this backfill has the same email (Moodle ignores case)'],
      ['C', 'another student in this backfill has the same Moodle username'],
    ]);
  });
});

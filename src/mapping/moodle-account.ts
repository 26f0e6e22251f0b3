import type { MoodleUser } from '../moodle/schemas';
import type { CurrentMoodleProfile } from './profile-changes';

/** The identity facts about a Moodle account that onboarding decides on; small enough for history. */
export interface MoodleAccount {
  id: number;
  username: string;
  /** '' when the account carries none. */
  idnumber: string;
  email: string;
  suspended: boolean;
}

export function moodleAccount(user: MoodleUser): MoodleAccount {
  return {
    id: user.id,
    username: user.username ?? '',
    idnumber: user.idnumber ?? '',
    email: user.email ?? '',
    suspended: user.suspended ?? false,
  };
}

/** Reads a user record (`core_user_get_users_by_field`) into what syncProfile compares. */
export function currentMoodleProfile(user: MoodleUser): CurrentMoodleProfile {
  // Keys stay absent when Moodle left them out: absent is not the same as empty (see profileChanges).
  const customfields: Record<string, string> = {};
  for (const field of user.customfields ?? []) {
    if (field.shortname) customfields[field.shortname] = field.value ?? '';
  }
  return {
    firstname: user.firstname,
    lastname: user.lastname,
    email: user.email,
    phone1: user.phone1,
    address: user.address,
    city: user.city,
    customfields,
  };
}

/** Moodle's duplicate-email check ignores case (moodle.md §6.3), so identity matching does too. */
export function sameEmail(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

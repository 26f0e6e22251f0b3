import type { MoodleUserUpdate } from '../moodle/client';
import { isPlaceholderEmail, moodleCustomFields, type DesiredMoodleUser } from './moodle-user';

/** The profile fields syncProfile pushes; username and idnumber are identity, never synced. */
export const syncedProfileFields = ['firstname', 'lastname', 'email', 'phone1', 'address', 'city'] as const;
export type SyncedProfileField = (typeof syncedProfileFields)[number];

/**
 * A Moodle user as `core_user_get_users_by_field` shows it to our token. A missing field is not
 * necessarily empty: Moodle leaves out empty fields, and also fields the token may not see
 * (phones and address unless they are identity fields, names without viewfullnames).
 */
export interface CurrentMoodleProfile {
  firstname?: string;
  lastname?: string;
  email?: string;
  phone1?: string;
  address?: string;
  city?: string;
  customfields: Record<string, string>;
}

export interface ProfileChanges {
  fields: Partial<Record<SyncedProfileField, string>>;
  customfields: Record<string, string>;
}

/**
 * What must be written so Moodle matches ERPNext: only differing fields. A field Moodle did not
 * show is compared with `baseline` (what Moodle is known to hold, e.g. the values onboarding
 * wrote); without one it is pushed when ERPNext has a value, since ERPNext wins. An empty result
 * means nothing to push, which is what the write-back of the Moodle user id produces.
 */
export function profileChanges(desired: DesiredMoodleUser, current: CurrentMoodleProfile, baseline: DesiredMoodleUser | null): ProfileChanges {
  const differs = (wanted: string, shown: string | undefined, known: string | undefined) => {
    if (shown !== undefined) return shown !== wanted;
    return baseline ? known !== wanted : wanted !== '';
  };
  const fields: ProfileChanges['fields'] = {};
  for (const field of syncedProfileFields) {
    if (field === 'email' && isPlaceholderEmail(desired.email)) continue;
    if (differs(desired[field], current[field], baseline?.[field])) fields[field] = desired[field];
  }
  const customfields: Record<string, string> = {};
  for (const [shortname, value] of Object.entries(desired.customfields)) {
    if (differs(value, current.customfields[shortname], baseline?.customfields[shortname])) customfields[shortname] = value;
  }
  return { fields, customfields };
}

export function hasChanges(changes: ProfileChanges): boolean {
  return Object.keys(changes.fields).length > 0 || Object.keys(changes.customfields).length > 0;
}

/** The `core_user_update_users` entry that writes the changes (custom fields only when some changed). */
export function moodleProfileUpdate(userId: number, changes: ProfileChanges): MoodleUserUpdate {
  const customfields = moodleCustomFields(changes.customfields);
  return { id: userId, ...changes.fields, ...(customfields.length > 0 ? { customfields } : {}) };
}

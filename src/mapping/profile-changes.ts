import { isPlaceholderEmail, type DesiredMoodleUser } from './moodle-user';

/** The profile fields syncProfile pushes; username and idnumber are identity, never synced. */
export const syncedProfileFields = ['firstname', 'lastname', 'email', 'phone1', 'address', 'city'] as const;
export type SyncedProfileField = (typeof syncedProfileFields)[number];

/** A Moodle user as currently stored, reduced to what syncProfile compares. */
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
 * What must be written so Moodle matches ERPNext: only differing fields. An empty result means
 * nothing to push, which is what the write-back of the Moodle user id produces.
 */
export function profileChanges(desired: DesiredMoodleUser, current: CurrentMoodleProfile): ProfileChanges {
  const fields: ProfileChanges['fields'] = {};
  for (const field of syncedProfileFields) {
    if (field === 'email' && isPlaceholderEmail(desired.email)) continue;
    if ((current[field] ?? '') !== desired[field]) fields[field] = desired[field];
  }
  const customfields: Record<string, string> = {};
  for (const [shortname, value] of Object.entries(desired.customfields)) {
    if ((current.customfields[shortname] ?? '') !== value) customfields[shortname] = value;
  }
  return { fields, customfields };
}

export function hasChanges(changes: ProfileChanges): boolean {
  return Object.keys(changes.fields).length > 0 || Object.keys(changes.customfields).length > 0;
}

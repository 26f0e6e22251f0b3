import { createHash } from 'node:crypto';

/*
 * The Student fields Moodle mirrors, and a fingerprint of their values. The Student `on_update`
 * Webhook carries these fields, so the gateway can tell a save that changed none of them — the
 * Moodle user id that onboarding writes back, a field Moodle does not show — from a real profile
 * edit without reading either system (issue 9, defect 8). The profile workflow compares the
 * fingerprint with the one of its last sync; only strings reach workflow history, no PII.
 */

/** Every standard Student field `desiredMoodleUser` (src/mapping/moodle-user.ts) reads. */
export const standardStudentProfileFields = [
  'first_name',
  'middle_name',
  'last_name',
  'student_email_id',
  'student_mobile_number',
  'address_line_1',
  'address_line_2',
  'city',
] as const;

/** The fields a profile depends on: the standard ones and the mapping's custom fields (ERPNext names). */
export function studentProfileFields(customFieldNames: readonly string[] = []): string[] {
  return [...standardStudentProfileFields, ...customFieldNames.filter((name) => !(standardStudentProfileFields as readonly string[]).includes(name))];
}

/**
 * A digest of the profile fields of a Student as a REST read returns it. Frappe leaves empty
 * fields out of a document it returns (capture 048: no `middle_name`, `city`), so a missing field
 * counts as empty, as it does for `desiredMoodleUser`.
 */
export function studentProfileFingerprint(doc: Readonly<Record<string, unknown>>, fields: readonly string[]): string {
  const values = fields.map((field) => {
    const value = doc[field];
    return value === null || value === undefined ? '' : String(value);
  });
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 32);
}

/**
 * The same digest of a webhook body. The template renders every field (`tojson` of an empty one
 * is `null`), so a body lacking one came from a hand-made Webhook or one `setup` wrote before a
 * custom field was mapped: undefined then, and the caller syncs rather than guesses.
 */
export function webhookProfileFingerprint(body: Readonly<Record<string, unknown>>, fields: readonly string[]): string | undefined {
  return fields.every((field) => Object.hasOwn(body, field)) ? studentProfileFingerprint(body, fields) : undefined;
}

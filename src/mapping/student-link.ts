/**
 * The Custom Field on Student that stores the Moodle user id (link data: written by onboarding,
 * never synced back). Named with Frappe v15's `custom_` prefix so the name is the same whether
 * Frappe derives it from the label or takes it as given.
 */
export const moodleUserIdField = {
  dt: 'Student',
  fieldname: 'custom_moodle_user_id',
  label: 'Moodle User ID',
  fieldtype: 'Int',
  insert_after: 'user',
  read_only: 1,
  no_copy: 1,
  description: 'Set by Campus Bridge when the student is onboarded to Moodle.',
} as const;

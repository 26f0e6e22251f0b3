import type { Mapping } from '../config/mapping-file';
import type { Student } from '../erpnext/resources/students';
import type { NewMoodleUser } from '../moodle/client';

/**
 * What the Moodle user of a student should look like: the fields ERPNext owns. Custom profile
 * fields are keyed by their Moodle shortname.
 */
export interface DesiredMoodleUser {
  idnumber: string;
  username: string;
  firstname: string;
  lastname: string;
  email: string;
  phone1: string;
  address: string;
  city: string;
  customfields: Record<string, string>;
}

/**
 * Registrars enter a unique placeholder on the reserved `.invalid` domain (RFC 2606) when a
 * student gave no address, because Education requires one. Nothing may be sent there, so such an
 * address is never pushed to Moodle (which would mail the new password to it).
 */
export function isPlaceholderEmail(email: string): boolean {
  return /\.invalid$/i.test(email.trim());
}

/** Moodle rejects rather than normalises usernames: lower-case, only a-z 0-9 . - _ @ (moodle.md §6.2). */
export function moodleUsername(student: Student, strategy: Mapping['moodle']['usernameStrategy']): string {
  const source = strategy === 'email' ? student.student_email_id.trim() : student.name;
  return source.toLowerCase().replace(/[^a-z0-9.\-_@]/g, '-');
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).trim();
}

/** Maps a Student onto the Moodle user it owns (names, contact, address, mapped custom fields). */
export function desiredMoodleUser(student: Student, mapping: Pick<Mapping, 'moodle' | 'customFields'>): DesiredMoodleUser {
  // Moodle requires a non-blank lastname; ERPNext does not.
  const lastname = [student.middle_name, student.last_name].map(text).filter(Boolean).join(' ') || '-';
  const customfields: Record<string, string> = {};
  for (const [erpField, moodleShortname] of Object.entries(mapping.customFields)) {
    customfields[moodleShortname] = text(student[erpField]);
  }
  return {
    idnumber: student.name,
    username: moodleUsername(student, mapping.moodle.usernameStrategy),
    firstname: text(student.first_name),
    lastname,
    email: text(student.student_email_id),
    phone1: text(student.student_mobile_number),
    address: [student.address_line_1, student.address_line_2].map(text).filter(Boolean).join(', '),
    city: text(student.city),
    customfields,
  };
}

/** Custom profile fields as `core_user_*_users` take them: a list of shortname (`type`) and value. */
export function moodleCustomFields(customfields: Record<string, string>): { type: string; value: string }[] {
  return Object.entries(customfields).map(([type, value]) => ({ type, value }));
}

/** The `core_user_create_users` entry of a new student account: Moodle generates the password and mails it. */
export function newMoodleUser(desired: DesiredMoodleUser, auth: string): NewMoodleUser {
  return {
    username: desired.username,
    createpassword: true,
    auth,
    idnumber: desired.idnumber,
    firstname: desired.firstname,
    lastname: desired.lastname,
    email: desired.email,
    phone1: desired.phone1,
    address: desired.address,
    city: desired.city,
    customfields: moodleCustomFields(desired.customfields),
  };
}

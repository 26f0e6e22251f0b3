import { z } from 'zod';
import type { Mapping } from '../config/mapping-file';

/** The ERPNext Student fields the lifecycle reads (Education `Student` DocType, see erpnext.md §4). */
export const studentFields = z.looseObject({
  name: z.string().min(1),
  first_name: z.string().min(1),
  middle_name: z.string().nullish(),
  last_name: z.string().nullish(),
  student_email_id: z.string().min(1),
  student_mobile_number: z.string().nullish(),
  address_line_1: z.string().nullish(),
  address_line_2: z.string().nullish(),
  city: z.string().nullish(),
  enabled: z.union([z.literal(0), z.literal(1)]).optional(),
});
export type StudentFields = z.infer<typeof studentFields>;

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
export function moodleUsername(student: StudentFields, strategy: Mapping['moodle']['usernameStrategy']): string {
  const source = strategy === 'email' ? student.student_email_id.trim() : student.name;
  return source.toLowerCase().replace(/[^a-z0-9.\-_@]/g, '-');
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).trim();
}

/** Maps a Student onto the Moodle user it owns (names, contact, address, mapped custom fields). */
export function desiredMoodleUser(student: StudentFields, mapping: Pick<Mapping, 'moodle' | 'customFields'>): DesiredMoodleUser {
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

import { z } from 'zod';
import { createMoodleTransport } from '../../../src/moodle/rest-transport';

export interface EnrolledUsersOptions {
  onlyactive?: boolean;
  onlysuspended?: boolean;
  /** Comma-separated user fields to return; `id` and `fullname` always come back. */
  userfields?: string;
}

const enrolledUsersSchema = z.array(z.looseObject({ id: z.number(), fullname: z.string() }));

/**
 * A course's roster by `core_enrol_get_enrolled_users`, which includes suspended enrolments
 * (without a flag) unless `onlyactive`. The product never reads it, so tests ask the site through
 * the bare REST transport instead of a client method of its own.
 */
export function enrolledUsers(site: { url: string; token: string }, courseid: number, options: EnrolledUsersOptions = {}) {
  const list = Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ({ name, value: typeof value === 'boolean' ? (value ? '1' : '0') : String(value) }));
  return createMoodleTransport(site)('core_enrol_get_enrolled_users', { courseid, options: list }, enrolledUsersSchema);
}

import type { Mapping } from '../config/mapping-file';

/*
 * Paid electives as the workflows decide about them: the policy they are started with (workflows
 * read no config) and the pure rules on an invoice's state.
 */

export type ElectiveCourse = Mapping['electives']['courses'][string];

/** The electives section, as workflow input: a run keeps the policy it started with. */
export interface ElectivesPolicy {
  company?: string;
  /** Moodle course idnumber → the elective. */
  courses: Record<string, ElectiveCourse>;
  /** Re-read interval of a waiting invoice and seat, in ms. */
  checkIntervalMs: number;
  /** Moodle role a suspended or reinstated seat keeps. */
  studentRoleId: number;
}

export function electivesPolicy(mapping: Pick<Mapping, 'electives' | 'moodle'>): ElectivesPolicy {
  return {
    company: mapping.electives.company,
    courses: mapping.electives.courses,
    checkIntervalMs: mapping.electives.checkInterval,
    studentRoleId: mapping.moodle.studentRoleId,
  };
}

/** The value of Sales Invoice `custom_moodle_enrolment`: one per (Moodle user, course), as the workflow id. */
export function enrolmentReference(moodleUserId: number, moodleCourseId: number): string {
  return `moodle:${moodleUserId}:${moodleCourseId}`;
}

/** What billing needs to know of an invoice, re-read each time. */
export interface InvoiceState {
  name: string;
  docstatus: number;
  status: string;
  grandTotal: number;
  outstanding: number;
}

/**
 * Whether the invoice pays for the seat. Only a submitted invoice can be paid. ERPNext's status
 * can lag (an insert answers "Draft", capture 279; Overdue comes from a nightly bulk update, 305),
 * so the amounts decide: paid when nothing is outstanding, or, with `partlyPaid: paid`, when
 * anything was paid.
 */
export function invoicePaysForSeat(invoice: InvoiceState, partlyPaid: ElectiveCourse['partlyPaid']): boolean {
  if (invoice.docstatus !== 1) return false;
  if (invoice.outstanding <= 0) return true;
  return partlyPaid === 'paid' && invoice.outstanding < invoice.grandTotal;
}

/** `YYYY-MM-DD` of `date` plus `days` (UTC), for posting and due dates. */
export function isoDatePlusDays(date: Date, days: number): string {
  return new Date(date.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { rosterSettingsSchema } from './roster-settings';

const durationUnits = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const durationText = /^(\d+)(ms|s|m|h|d)$/;

/**
 * A duration written as a whole number and a unit (`90m`, `36h`, `7d`), checked here and handed on
 * in milliseconds, so workflows and Schedules receive a number that needs no further check.
 */
const duration = (options: { min?: { ms: number; text: string } } = {}) =>
  z
    .string({ error: 'expected a duration such as "6h" or "7d"' })
    .regex(durationText, 'expected a whole number with a unit (ms, s, m, h, d), e.g. "6h" or "7d"')
    .transform((text) => {
      const [, amount, unit] = durationText.exec(text)!;
      return Number(amount) * durationUnits[unit as keyof typeof durationUnits];
    })
    .refine((ms) => ms >= (options.min?.ms ?? 1), `expected at least ${options.min?.text ?? '1ms'}`);

/** True when the runtime knows the IANA time zone (the workflow formats dates in it). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Temporal accepts 5 to 7 cron fields, optionally after `CRON_TZ=<zone>`, or a macro such as
 * `@daily` or `@every 6h`. The server parses the fields themselves; this catches the wrong shape.
 */
const cronShape = /^(@\w+( \S+)?|(CRON_TZ=\S+\s+)?\S+(\s+\S+){4,6})$/;

const schedule = z.strictObject({
  /** Cron expression in `timezone`. */
  cron: z.string({ error: 'expected a cron expression, e.g. "0 2 * * *"' }).trim().regex(cronShape, 'expected a cron expression of 5 to 7 fields, e.g. "0 2 * * *", or a macro such as "@daily"'),
  timezone: z.string().refine(isTimeZone, 'expected an IANA time zone, e.g. "UTC" or "Europe/London"').default('UTC'),
  /** How late a missed run (worker or server down) may still be caught up; the server's minimum is 10 s. In ms once parsed. */
  catchupWindow: duration({ min: { ms: 10_000, text: '10s' } }).prefault('6h'),
});

const name = (what: string) => z.string().trim().min(1, `expected ${what}`);
/** Keys are whatever the YAML says (an empty key cannot match a record); values must name something. */
const nameMap = (value: string) => z.record(z.string(), name(value));

/**
 * One paid elective, keyed in `electives.courses` by Moodle course idnumber: what ERPNext bills
 * for it and what happens around the invoice. `billing: erpnext` bills a free Moodle enrolment;
 * `billing: moodle-fee` records what Moodle's enrol_fee already collected (never bills again).
 */
const elective = z
  .strictObject({
    billing: z.enum(['erpnext', 'moodle-fee']).default('erpnext'),
    /** The ERPNext Item invoiced (an existing Item code). */
    item: name('an ERPNext Item code'),
    rate: z.number({ error: 'expected the price as a number' }).positive('expected a positive price'),
    /** The invoice currency; ERPNext's company default when absent. */
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO currency code such as "GBP"').optional(),
    /** Due date = posting date + this many days (the invoice's payment terms). */
    dueInDays: z.number().int().min(0).default(30),
    /** Submit the invoice (it becomes payable) or leave it as a draft for finance to submit. */
    submit: z.boolean().default(true),
    /** How long after the invoice the seat stays active unpaid; then it is suspended (grades kept). In ms once parsed. */
    paymentDeadline: duration().prefault('14d'),
    /** Whether a partly paid invoice keeps the seat. */
    partlyPaid: z.enum(['unpaid', 'paid']).default('unpaid'),
    /** Unenrolment after submission: a credit note (return invoice) against it, or a report for finance. A draft is always deleted. */
    withdrawal: z.enum(['credit-note', 'report']).default('report'),
    /** How the student hears of the invoice: a Moodle message, ERPNext's e-mail of the document, both or neither. */
    notify: z.array(z.enum(['moodle-message', 'erpnext-email'])).default(['moodle-message']),
    /** moodle-fee only: the ERPNext account (Cash/Bank) the Payment Entry records Moodle's payment in. */
    paymentAccount: name('an ERPNext account, e.g. "Cash - CBU"').optional(),
  })
  .refine((course) => course.billing !== 'moodle-fee' || course.paymentAccount !== undefined, {
    message: 'billing moodle-fee needs paymentAccount (the account the Payment Entry receives into)',
    path: ['paymentAccount'],
  });

/**
 * The institution-specific half of the configuration: how ERPNext records map onto Moodle.
 * Environment variables hold endpoints and secrets; this file holds policy. Validated in full
 * when it is loaded (unknown keys too, so a misspelt key is an error rather than a silent
 * default): what reaches workflows and Schedules needs no further checks.
 */
export const mappingSchema = z.strictObject({
  moodle: z
    .strictObject({
      /** What becomes the Moodle username: the student's email, or the ERPNext Student id. */
      usernameStrategy: z.enum(['email', 'studentId']).default('studentId'),
      /** Moodle role id given by enrolments (5 = student on a stock site). */
      studentRoleId: z.number().int().positive().default(5),
      /** Moodle auth plugin of the accounts onboarding creates. */
      auth: name('a Moodle auth plugin name, e.g. "manual"').default('manual'),
    })
    .prefault({}),
  /** Program Enrollment cancelled: suspend keeps grades; unenrol removes the enrolment (and, for a last enrolment, grades). */
  withdrawal: z.enum(['suspend', 'unenrol']).default('suspend'),
  /** ERPNext Student field → Moodle custom profile field shortname. */
  customFields: nameMap('a Moodle profile field shortname').default({}),
  /** ERPNext Course name → Moodle course idnumber, where the two differ. */
  courses: nameMap('a Moodle course idnumber').default({}),
  /** ERPNext Program name → Moodle course idnumbers, replacing the Program's own course list. */
  programs: z.record(z.string(), z.strictObject({ courses: z.array(name('a Moodle course idnumber')).min(1) })).default({}),
  /** How long a parked identity conflict waits for an operator before the workflow fails. In ms once parsed. */
  conflictTimeout: duration().prefault('7d'),
  grades: z
    .strictObject({
      schedule: schedule.prefault({ cron: '0 2 * * *' }),
      /** Submit Assessment Results (docstatus 1) after writing them, or leave them as drafts. */
      submitResults: z.boolean().default(false),
      /** Moodle course idnumber → ERPNext Assessment Plan, where it cannot be found from ERPNext. */
      plans: nameMap('an ERPNext Assessment Plan name').default({}),
      /** Child workflows (one per course) running at once. */
      parallelism: z.number().int().positive().default(4),
    })
    .prefault({}),
  attendance: z
    .strictObject({
      schedule: schedule.prefault({ cron: '30 2 * * *' }),
      /** Moodle attendance status acronym → ERPNext Student Attendance status. */
      statusMap: z.record(z.string(), z.enum(['Present', 'Absent', 'Leave'])).default({ P: 'Present', L: 'Present', E: 'Leave', A: 'Absent' }),
      /** Submit Student Attendance (docstatus 1) when writing it, as Education's own bulk marking does, or leave drafts. */
      submit: z.boolean().default(false),
    })
    .prefault({}),
  /** Paid electives (issue 11): billed in ERPNext when a student enrols in Moodle. */
  electives: z
    .strictObject({
      /** ERPNext Company the invoices belong to; the site's default when absent. */
      company: name('an ERPNext Company').optional(),
      /** Moodle course idnumber → what it costs and how it is billed. */
      courses: z.record(z.string(), elective).default({}),
      /** How often a waiting invoice is re-read (the Overdue update fires no webhook) and the seat checked. In ms once parsed. */
      checkInterval: duration({ min: { ms: 100, text: '100ms' } }).prefault('6h'),
      /** The Schedule that polls the paid courses' enrolments (stock Moodle sends no webhooks). */
      poll: schedule.prefault({ cron: '*/15 * * * *' }),
    })
    .prefault({}),
  /** The change feed (issue 10): lists what changed in ERPNext and starts what lost webhooks would have. */
  changeFeed: z
    .strictObject({
      /** How often the feed runs. In ms once parsed. */
      interval: duration({ min: { ms: 1_000, text: '1s' } }).prefault('1m'),
      /** How far before its watermark each listing starts (clock skew, same-second writes, late commits). In ms once parsed. */
      overlap: duration().prefault('2m'),
      /** Rows per ERPNext list request. */
      pageSize: z.number().int().min(1).max(1000).default(500),
      /** How often deleted Course Enrollments are looked for. In ms once parsed. */
      deletionCheckInterval: duration({ min: { ms: 1_000, text: '1s' } }).prefault('10m'),
    })
    .prefault({}),
  onboarding: z
    .strictObject({
      /** Create nothing in Moodle until the Student's registration-fee invoice is paid. */
      requirePaidFee: z.boolean().default(false),
      /** The fee's Item; without it, any submitted invoice of the Student (e.g. from a Fee Schedule) counts. */
      feeItem: name('an ERPNext Item code').optional(),
      /** How often a gated onboarding re-reads the invoices besides being woken. In ms once parsed. */
      feeCheckInterval: duration({ min: { ms: 100, text: '100ms' } }).prefault('1h'),
    })
    .prefault({}),
  /** Roster provisioning (issue 13): categories, course shells, groups, teachers. */
  roster: rosterSettingsSchema.prefault({}),
  /** Moodle course completions → the Course Enrollment's completion date (issue 13). */
  completions: z
    .strictObject({
      schedule: schedule.prefault({ cron: '0 3 * * *' }),
      /** Child workflows (one per course) running at once. */
      parallelism: z.number().int().positive().default(4),
    })
    .prefault({}),
});

export type Mapping = z.infer<typeof mappingSchema>;

/** Parses mapping file text (YAML is a superset of JSON, so both work). */
export function parseMapping(text: string, source = 'mapping file'): Mapping {
  let raw: unknown;
  try {
    raw = YAML.parse(text) ?? {};
  } catch (err) {
    throw new Error(`${source}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${source} is invalid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The mapping from MAPPING_FILE, or every default when none is configured. */
export function loadMapping(file: string | undefined): Mapping {
  return file ? parseMapping(readFileSync(file, 'utf8'), file) : mappingSchema.parse({});
}

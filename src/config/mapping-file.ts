import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';

const schedule = z.object({
  /** Cron expression in `timezone`. */
  cron: z.string().min(1),
  timezone: z.string().min(1).default('UTC'),
  /** How late a missed run (worker or server down) may still be caught up. */
  catchupWindow: z.string().min(1).default('6h'),
});

/**
 * The institution-specific half of the configuration: how ERPNext records map onto Moodle.
 * Environment variables hold endpoints and secrets; this file holds policy.
 */
export const mappingSchema = z.object({
  moodle: z
    .object({
      /** What becomes the Moodle username: the student's email, or the ERPNext Student id. */
      usernameStrategy: z.enum(['email', 'studentId']).default('studentId'),
      /** Moodle role id given by enrolments (5 = student on a stock site). */
      studentRoleId: z.number().int().positive().default(5),
      auth: z.string().min(1).default('manual'),
    })
    .default({ usernameStrategy: 'studentId', studentRoleId: 5, auth: 'manual' }),
  /** Program Enrollment cancelled: suspend keeps grades; unenrol removes the enrolment (and, for a last enrolment, grades). */
  withdrawal: z.enum(['suspend', 'unenrol']).default('suspend'),
  /** ERPNext Student field → Moodle custom profile field shortname. */
  customFields: z.record(z.string(), z.string()).default({}),
  /** ERPNext Course name → Moodle course idnumber, where the two differ. */
  courses: z.record(z.string(), z.string()).default({}),
  /** ERPNext Program name → Moodle course idnumbers, replacing the Program's own course list. */
  programs: z.record(z.string(), z.object({ courses: z.array(z.string()).min(1) })).default({}),
  /** How long a parked identity conflict waits for an operator before the workflow fails. */
  conflictTimeout: z.string().min(1).default('7d'),
  grades: z
    .object({
      schedule: schedule.default({ cron: '0 2 * * *', timezone: 'UTC', catchupWindow: '6h' }),
      /** Submit Assessment Results (docstatus 1) after writing them, or leave them as drafts. */
      submitResults: z.boolean().default(false),
      /** Moodle course idnumber → ERPNext Assessment Plan, where it cannot be found from ERPNext. */
      plans: z.record(z.string(), z.string()).default({}),
      /** Child workflows (one per course) running at once. */
      parallelism: z.number().int().positive().default(4),
    })
    .default({ schedule: { cron: '0 2 * * *', timezone: 'UTC', catchupWindow: '6h' }, submitResults: false, plans: {}, parallelism: 4 }),
  attendance: z
    .object({
      schedule: schedule.default({ cron: '30 2 * * *', timezone: 'UTC', catchupWindow: '6h' }),
      /** Moodle attendance status acronym → ERPNext Student Attendance status. */
      statusMap: z.record(z.string(), z.enum(['Present', 'Absent', 'Leave'])).default({ P: 'Present', L: 'Present', E: 'Leave', A: 'Absent' }),
      /** Submit Student Attendance (docstatus 1) when writing it, as Education's own bulk marking does, or leave drafts. */
      submit: z.boolean().default(false),
    })
    .default({ schedule: { cron: '30 2 * * *', timezone: 'UTC', catchupWindow: '6h' }, statusMap: { P: 'Present', L: 'Present', E: 'Leave', A: 'Absent' }, submit: false }),
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

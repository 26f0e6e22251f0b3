import { z } from 'zod';

/**
 * The mapping file's `roster:` section (issue 13), validated at load with the rest of the file.
 * Templates may use only the placeholders below, so a typo is an error naming the key, not a
 * course called "{cuorse}".
 */
export const rosterPlaceholders = ['course', 'courseName', 'term', 'termName', 'year', 'program', 'department'] as const;
export type RosterPlaceholder = (typeof rosterPlaceholders)[number];

const placeholderPattern = /\{([^{}]*)\}/g;

const template = (what: string, fallback: string, required: RosterPlaceholder[] = []) =>
  z
    .string()
    .trim()
    .min(1, `expected a ${what} template, e.g. "${fallback}"`)
    .refine((text) => [...text.matchAll(placeholderPattern)].every(([, name]) => (rosterPlaceholders as readonly string[]).includes(name)), {
      message: `unknown placeholder: use ${rosterPlaceholders.map((name) => `{${name}}`).join(', ')}`,
    })
    .refine((text) => required.every((name) => text.includes(`{${name}}`)), { message: `must contain ${required.map((name) => `{${name}}`).join(' and ')}` })
    .default(fallback);

export const rosterSettingsSchema = z.strictObject({
  /** Moodle category idnumber the tree hangs under (an existing category); the top level when absent. */
  rootCategory: z.string().trim().min(1).optional(),
  /** Category levels, outermost first; `[]` puts every course straight under the root. */
  categories: z.array(z.enum(['department', 'program', 'term'])).default(['term', 'program']),
  /** What makes a Course "offered" in a term: a course-based Student Group, a Course Schedule, or both. */
  offerings: z.array(z.enum(['student-group', 'course-schedule'])).min(1, 'expected at least one of student-group, course-schedule').default(['student-group']),
  /** The Moodle course idnumber of an offering: stable ERPNext names only. `{course}` alone keeps one Moodle course per ERPNext Course. */
  courseKey: template('course key', '{course}', ['course']),
  shortname: template('shortname', '{course}'),
  fullname: template('fullname', '{courseName}'),
  /** Moodle course idnumber of a template course new shells are copied from (`core_course_duplicate_course`); empty shells otherwise. */
  templateCourse: z.string().trim().min(1).optional(),
  /** A batch-based Student Group becomes a group in each course of its Program offered that term, or is left out. */
  batchGroups: z.enum(['program-courses', 'ignore']).default('program-courses'),
  /** A group member not enrolled in the course: enrol them as a student first, or report them. */
  unenrolledStudents: z.enum(['enrol', 'report']).default('report'),
  teachers: z
    .strictObject({
      /** Moodle role id of a course's instructors: 3 = editingteacher, 4 = teacher (non-editing) on a stock site. */
      roleId: z.number().int().positive().default(3),
      /** Instructor field holding the e-mail a new Moodle account needs (Education's Instructor has none of its own). */
      emailField: z.string().trim().min(1).optional(),
    })
    .prefault({}),
  /** Courses provisioned at once, and per run before continuing as new. */
  parallelism: z.number().int().positive().default(4),
  coursesPerRun: z.number().int().positive().default(50),
  /** Members or teachers one course may lose in one run; past it that course removes nothing and reports why (a wrong mapping looks like "everyone left"). */
  maxRemovals: z.number().int().min(0).default(10),
});

export type RosterSettings = z.infer<typeof rosterSettingsSchema>;

import { z } from 'zod';

/**
 * Response shapes of the roster functions (categories, course shells, groups, completion), as
 * Moodle 4.1's `execute_returns` describe them and captures 141–272 show them.
 */

const warningSchema = z.looseObject({ item: z.string().optional(), itemid: z.number().optional(), warningcode: z.string(), message: z.string() });

/** `core_course_get_categories` record; `idnumber` only with `moodle/category:manage` (163). Names come HTML-escaped (161). */
export const categorySchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  idnumber: z.string().nullable().optional(),
  parent: z.number(),
  depth: z.number().optional(),
  path: z.string().optional(),
});
export type MoodleCategory = z.infer<typeof categorySchema>;

export const createdCategorySchema = z.object({ id: z.number(), name: z.string() });

export const createdCourseSchema = z.object({ id: z.number(), shortname: z.string() });

/** `core_course_update_courses`: per-course problems are warnings, never exceptions (174–177). */
export const updateCoursesResultSchema = z.object({ warnings: z.array(warningSchema) });

/** `core_group_get_course_groups` / `create_groups` record; a stored NULL idnumber stays null (200). */
export const groupSchema = z.looseObject({ id: z.number(), courseid: z.number(), name: z.string(), idnumber: z.string().nullable().optional() });
export type MoodleGroup = z.infer<typeof groupSchema>;

export const groupMembersSchema = z.array(z.object({ groupid: z.number(), userids: z.array(z.number()) }));

/** `core_enrol_get_enrolled_users` with just what the roster compares: who holds which role. */
export const rosterParticipantSchema = z.looseObject({
  id: z.number(),
  idnumber: z.string().optional(),
  roles: z.array(z.looseObject({ roleid: z.number() })).default([]),
});

/** `core_completion_get_course_completion_status`; each criterion carries its own `timecompleted` (Unix time or null). */
export const courseCompletionSchema = z.object({
  completionstatus: z.looseObject({
    completed: z.boolean(),
    completions: z.array(z.looseObject({ complete: z.boolean(), timecompleted: z.number().nullable().optional() })),
  }),
  warnings: z.array(warningSchema).default([]),
});

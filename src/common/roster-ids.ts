/**
 * Workflow ids of roster provisioning: business keys, so the Web UI lists every run for one
 * course, group or teacher by id prefix, and a repeated trigger joins the running run.
 */
export const rosterWorkflowIds = {
  /** One Moodle course shell, keyed by its idnumber (`roster.courseKey`). */
  course: (key: string) => `course:${key}`,
  /** A Student Group's webhook: provisions the courses the group covers. */
  group: (name: string) => `group:${name}`,
  /** An Instructor's webhook: provisions the courses the instructor teaches. */
  teacher: (name: string) => `teacher:${name}`,
  /** Everything at once (`campus-bridge provision`, `POST /admin/provision`); `at` is an ISO time. */
  all: (at: string) => `provision:${at}`,
} as const;

/** SyncKind values of the roster workflows. */
export const rosterSyncKinds = { provision: 'provision', provisionCourse: 'provision-course' } as const;

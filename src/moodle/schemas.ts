import { z } from 'zod';

/**
 * Response shapes of the Moodle 4.1 web-service functions Campus Bridge uses. Moodle omits keys the
 * caller may not see (no `viewfullnames` → no firstname/lastname), so most fields are optional.
 */

export const moodleExceptionSchema = z.object({
  exception: z.string(),
  errorcode: z.string().optional(),
  message: z.string().optional(),
  debuginfo: z.string().optional(),
});

const warningSchema = z.object({
  item: z.string().optional(),
  itemid: z.number().optional(),
  warningcode: z.string(),
  message: z.string(),
});
export type MoodleWarning = z.infer<typeof warningSchema>;

const customFieldSchema = z.object({ type: z.string(), value: z.string().nullable(), name: z.string().optional(), shortname: z.string().optional() });

export const moodleUserSchema = z.object({
  id: z.number(),
  username: z.string().optional(),
  firstname: z.string().optional(),
  lastname: z.string().optional(),
  fullname: z.string(),
  email: z.string().optional(),
  idnumber: z.string().optional(),
  department: z.string().optional(),
  institution: z.string().optional(),
  phone1: z.string().optional(),
  phone2: z.string().optional(),
  address: z.string().optional(),
  city: z.string().optional(),
  country: z.string().optional(),
  auth: z.string().optional(),
  suspended: z.boolean().optional(),
  confirmed: z.boolean().optional(),
  lang: z.string().optional(),
  firstaccess: z.number().optional(),
  lastaccess: z.number().optional(),
  customfields: z.array(customFieldSchema).optional(),
});
export type MoodleUser = z.infer<typeof moodleUserSchema>;

export const getUsersResultSchema = z.object({ users: z.array(moodleUserSchema), warnings: z.array(warningSchema) });

export const createdUserSchema = z.object({ id: z.number(), username: z.string() });

export const updateUsersResultSchema = z.object({ warnings: z.array(warningSchema) });

const moodleCourseSchema = z.object({
  id: z.number(),
  fullname: z.string(),
  shortname: z.string(),
  displayname: z.string().optional(),
  categoryid: z.number().optional(),
  idnumber: z.string().optional(),
  visible: z.number().optional(),
  format: z.string().optional(),
  startdate: z.number().optional(),
  enddate: z.number().optional(),
  enrollmentmethods: z.array(z.string()).optional(),
});

export const coursesByFieldSchema = z.object({ courses: z.array(moodleCourseSchema), warnings: z.array(warningSchema) });

export const userCourseSchema = z.object({
  id: z.number(),
  shortname: z.string(),
  fullname: z.string(),
  idnumber: z.string().optional(),
  visible: z.number().optional(),
  enrolledusercount: z.number().optional(),
  completed: z.boolean().nullable().optional(),
  progress: z.number().nullable().optional(),
  lastaccess: z.number().nullable().optional(),
});

const gradeItemSchema = z.object({
  id: z.number(),
  itemname: z.string().nullable(),
  itemtype: z.string(),
  itemmodule: z.string().nullable(),
  iteminstance: z.number(),
  itemnumber: z.number().nullable().optional(),
  idnumber: z.string().nullable().optional(),
  cmid: z.number().optional(),
  /** The final (capped/overridden) grade, despite its name. */
  graderaw: z.number().nullable().optional(),
  gradedategraded: z.number().nullable().optional(),
  gradeformatted: z.string().optional(),
  grademin: z.number().optional(),
  grademax: z.number().optional(),
  percentageformatted: z.string().optional(),
  feedback: z.string().optional(),
});
export type GradeItem = z.infer<typeof gradeItemSchema>;

const userGradesSchema = z.object({
  courseid: z.number(),
  courseidnumber: z.string().optional(),
  userid: z.number(),
  userfullname: z.string(),
  useridnumber: z.string().optional(),
  maxdepth: z.number().optional(),
  gradeitems: z.array(gradeItemSchema),
});

export const gradeItemsResultSchema = z.object({ usergrades: z.array(userGradesSchema), warnings: z.array(warningSchema).optional() });

/** `core_course_get_contents`: sections with their modules (`modname: 'attendance'`, `instance` = attendance id). */
const courseModuleSchema = z.object({
  id: z.number(),
  name: z.string(),
  instance: z.number().optional(),
  modname: z.string(),
  visible: z.number().optional(),
  url: z.string().optional(),
});
export type CourseModule = z.infer<typeof courseModuleSchema>;

export const courseSectionSchema = z.object({
  id: z.number(),
  name: z.string(),
  section: z.number().optional(),
  modules: z.array(courseModuleSchema),
});

const attendanceStatusSchema = z.object({
  id: z.number(),
  attendanceid: z.number().optional(),
  acronym: z.string(),
  description: z.string(),
  grade: z.number(),
  visible: z.number().optional(),
  deleted: z.number().optional(),
  setnumber: z.number().optional(),
});

/** mod_attendance declares a log row's `statusid` and `id` as PARAM_TEXT, so both arrive as strings. */
const attendanceLogSchema = z.object({
  id: z.string(),
  studentid: z.number(),
  statusid: z.string(),
  remarks: z.string(),
});

export const attendanceSessionSchema = z.object({
  id: z.number(),
  attendanceid: z.number(),
  groupid: z.number(),
  sessdate: z.number(),
  duration: z.number(),
  lasttaken: z.number().nullable(),
  lasttakenby: z.number(),
  timemodified: z.number().nullable(),
  description: z.string(),
  descriptionformat: z.number(),
  studentscanmark: z.number(),
  absenteereport: z.number(),
  autoassignstatus: z.number(),
  preventsharedip: z.number(),
  preventsharediptime: z.number().nullable(),
  statusset: z.number(),
  includeqrcode: z.number(),
  courseid: z.number(),
  statuses: z.array(attendanceStatusSchema),
  attendance_log: z.array(attendanceLogSchema),
  users: z.array(z.object({ id: z.number(), firstname: z.string(), lastname: z.string() })),
});
export type AttendanceSession = z.infer<typeof attendanceSessionSchema>;

import { z } from 'zod';
import { fieldCount, type RestValue } from './rest-encoding';
import { maxItemsPerRequest, requestTimeoutMs } from './request-cost';
import type { RequestPacer } from '../http/request-pacer';
import { createMoodleTransport, type CallOptions } from './rest-transport';
import { createRosterFunctions } from './roster-functions';
import {
  attendanceSessionSchema,
  courseSectionSchema,
  coursesByFieldSchema,
  createdUserSchema,
  getUsersResultSchema,
  gradeItemsResultSchema,
  moodleUserSchema,
  updateUsersResultSchema,
  userCourseSchema,
  type MoodleWarning,
} from './schemas';

export interface MoodleClientOptions {
  url: string;
  token: string;
  timeoutMs?: number;
  /** This process's request pacer for Moodle (rest-transport.ts); none by default. */
  pacer?: RequestPacer;
  /**
   * Upper bound of form fields per request. PHP silently drops fields past `max_input_vars`
   * (Moodle requires ≥ 5000), so list calls are split to stay well under it.
   */
  maxFieldsPerRequest?: number;
}

export type UserLookupField = 'id' | 'idnumber' | 'username' | 'email';
export type CourseLookupField = '' | 'id' | 'ids' | 'shortname' | 'idnumber' | 'category';

export type NewMoodleUser = {
  /** Lower-case; Moodle rejects, never normalises, other usernames. */
  username: string;
  firstname: string;
  lastname: string;
  email: string;
  /** Either a password meeting the site policy or `createpassword: true` (Moodle mails it). */
  password?: string;
  createpassword?: boolean;
  auth?: string;
  idnumber?: string;
  lang?: string;
  phone1?: string;
  phone2?: string;
  address?: string;
  city?: string;
  country?: string;
  department?: string;
  institution?: string;
  customfields?: { type: string; value: string }[];
  preferences?: { type: string; value: string }[];
}

export type MoodleUserUpdate = { id: number; suspended?: boolean } & Partial<Omit<NewMoodleUser, 'createpassword'>>;

export type Enrolment = {
  roleid: number;
  userid: number;
  courseid: number;
  timestart?: number;
  timeend?: number;
  suspend?: boolean;
}

export type Unenrolment = {
  userid: number;
  courseid: number;
  roleid?: number;
}

const nullResult = z.null();

/**
 * Every web-service function this client calls: the external service must list each one, or the
 * call fails `accessexception` (003). `campus-bridge doctor` compares it with the token's list.
 */
export const moodleWebServiceFunctions = [
  'core_webservice_get_site_info',
  'core_user_get_users_by_field',
  'core_user_get_users',
  'core_user_create_users',
  'core_user_update_users',
  'core_course_get_courses_by_field',
  'enrol_manual_enrol_users',
  'enrol_manual_unenrol_users',
  'core_enrol_get_users_courses',
  'core_enrol_get_enrolled_users',
  'gradereport_user_get_grade_items',
  'core_course_get_contents',
  'mod_attendance_get_sessions',
] as const;

const siteInfoSchema = z.looseObject({
  sitename: z.string(),
  username: z.string(),
  userid: z.number(),
  release: z.string().optional(),
  userissiteadmin: z.boolean().optional(),
  functions: z.array(z.object({ name: z.string() })),
});

const enrolledUserSchema = z.looseObject({ id: z.number(), idnumber: z.string().optional(), roles: z.array(z.looseObject({ roleid: z.number() })).optional() });
const participantAccessSchema = z.looseObject({
  id: z.number(),
  idnumber: z.string().optional(),
  lastaccess: z.number().optional(),
  lastcourseaccess: z.number().optional(),
  roles: z.array(z.looseObject({ roleid: z.number() })).optional(),
});

/**
 * Typed client for Moodle 4.1 REST web services. List arguments are sent in as few requests as
 * `max_input_vars` allows; a batch split over several requests is no longer atomic (each request is
 * all-or-nothing on its own), so callers retrying a failed batch must tolerate parts already applied.
 */
export function createMoodleClient(options: MoodleClientOptions) {
  const call = createMoodleTransport(options);
  const maxFields = options.maxFieldsPerRequest ?? 4000;
  const configuredTimeoutMs = options.timeoutMs ?? 30_000;

  /**
   * Splits `items` into chunks whose encoded form stays under `maxFields` (fixed fields included)
   * and, for a costly write, under its per-request item limit (request-cost.ts).
   */
  const chunk = <T extends RestValue>(items: T[], fixedFields: number, wsfunction?: string): T[][] => {
    const maxItems = (wsfunction && maxItemsPerRequest(wsfunction)) || Infinity;
    const chunks: T[][] = [];
    let current: T[] = [];
    let fields = fixedFields;
    for (const item of items) {
      const cost = fieldCount(item);
      if (current.length > 0 && (fields + cost > maxFields || current.length >= maxItems)) {
        chunks.push(current);
        current = [];
        fields = fixedFields;
      }
      current.push(item);
      fields += cost;
    }
    if (current.length > 0) chunks.push(current);
    return chunks;
  };

  // wstoken, wsfunction, moodlewsrestformat and at most one scalar argument.
  const fixedFields = 4;

  /** Call options of one batched-write request: its timeout follows from its size. */
  const sized = (wsfunction: string, items: number, callOptions?: CallOptions): CallOptions => ({
    ...callOptions,
    timeoutMs: requestTimeoutMs(wsfunction, items, callOptions?.timeoutMs ?? configuredTimeoutMs),
  });

  /**
   * `core_user_get_users_by_field`: exact match (email is case-sensitive on PostgreSQL), no
   * deleted filter, missing values silently omitted, results ordered by id.
   */
  async function getUsersByField(field: UserLookupField, values: (string | number)[], callOptions?: CallOptions) {
    const users = [];
    for (const part of chunk(values, fixedFields)) {
      users.push(...(await call('core_user_get_users_by_field', { field, values: part }, z.array(moodleUserSchema), callOptions)));
    }
    return users;
  }

  /**
   * `core_user_create_users`: each request is all-or-nothing; `createpassword` makes Moodle mail
   * the credentials. At most 100 users per request, each request timed from its cost. A request
   * that times out may still commit (Moodle finishes it), so a retry goes through `createMissingUsers`.
   */
  async function createUsers(users: NewMoodleUser[], callOptions?: CallOptions) {
    const created = [];
    for (const part of chunk(users, fixedFields, 'core_user_create_users')) {
      created.push(...(await call('core_user_create_users', { users: part }, z.array(createdUserSchema), sized('core_user_create_users', part.length, callOptions))));
    }
    return created;
  }

  return {
    ...createRosterFunctions(call),
    getUsersByField,
    createUsers,

    /**
     * Creates only the users Moodle does not hold yet: an account with the same username and
     * idnumber (what an earlier, timed-out attempt committed) is returned as found, so it is
     * neither refused as a duplicate nor mailed a second welcome. A username held by another
     * idnumber is sent anyway, and Moodle refuses it. Ids in the order of `users`.
     */
    async createMissingUsers(users: NewMoodleUser[], callOptions?: CallOptions): Promise<{ username: string; id: number; created: boolean }[]> {
      const existing = await getUsersByField('username', users.map((u) => u.username), callOptions);
      const committed = new Map(existing.filter((e) => users.some((u) => u.username === e.username && (u.idnumber ?? '') === (e.idnumber ?? ''))).map((e) => [e.username, e.id]));
      const made = await createUsers(users.filter((u) => !committed.has(u.username)), callOptions);
      const madeIds = new Map(made.map((m) => [m.username, m.id]));
      return users.flatMap((u): { username: string; id: number; created: boolean }[] => {
        const found = committed.get(u.username);
        if (found !== undefined) return [{ username: u.username, id: found, created: false }];
        const id = madeIds.get(u.username);
        return id === undefined ? [] : [{ username: u.username, id, created: true }];
      });
    },

    /**
     * `core_user_get_users`: AND-ed criteria; email/firstname/lastname are case-insensitive LIKE.
     * An unsupported key only yields a warning and is dropped, which can match every user.
     */
    getUsers: (criteria: { key: string; value: string }[], callOptions?: CallOptions) =>
      call('core_user_get_users', { criteria }, getUsersResultSchema, callOptions),


    /** `core_user_update_users`: per-user transactions; failures come back as warnings, not errors. */
    async updateUsers(users: MoodleUserUpdate[], callOptions?: CallOptions): Promise<{ warnings: MoodleWarning[] }> {
      const warnings: MoodleWarning[] = [];
      for (const part of chunk(users, fixedFields)) {
        warnings.push(...(await call('core_user_update_users', { users: part }, updateUsersResultSchema, callOptions)).warnings);
      }
      return { warnings };
    },

    /** `core_course_get_courses_by_field`: `''` lists every course including the site course (id 1). */
    getCoursesByField: (field: CourseLookupField = '', value?: string | number, callOptions?: CallOptions) =>
      call('core_course_get_courses_by_field', field === '' ? {} : { field, value }, coursesByFieldSchema, callOptions),

    /**
     * `enrol_manual_enrol_users`. Always send the full intended state: a missing `suspend`,
     * `timestart` or `timeend` reactivates the enrolment and clears its dates.
     */
    async enrolUsers(enrolments: Enrolment[], callOptions?: CallOptions) {
      for (const part of chunk(enrolments, fixedFields, 'enrol_manual_enrol_users')) {
        await call('enrol_manual_enrol_users', { enrolments: part }, nullResult, sized('enrol_manual_enrol_users', part.length, callOptions));
      }
    },

    /** `enrol_manual_unenrol_users`: removes the whole manual enrolment; the last one also deletes grades. */
    async unenrolUsers(enrolments: Unenrolment[], callOptions?: CallOptions) {
      for (const part of chunk(enrolments, fixedFields, 'enrol_manual_unenrol_users')) {
        await call('enrol_manual_unenrol_users', { enrolments: part }, nullResult, sized('enrol_manual_unenrol_users', part.length, callOptions));
      }
    },

    /** `core_enrol_get_users_courses`: active enrolments only; an unknown user gives `[]`. */
    getUsersCourses: (userid: number, callOptions?: CallOptions) =>
      call('core_enrol_get_users_courses', { userid }, z.array(userCourseSchema), callOptions),

    /** `core_message_send_instant_messages`: per-message failures come back as `msgid: -1` with `errormessage` (273, 279). */
    sendInstantMessages: (messages: { touserid: number; text: string; textformat?: number; clientmsgid?: string }[], callOptions?: CallOptions) =>
      call('core_message_send_instant_messages', { messages }, z.array(z.looseObject({ msgid: z.number(), clientmsgid: z.string().optional(), errormessage: z.string().optional() })), callOptions),

    /** `gradereport_user_get_grade_items`: `userid` 0 or omitted = every graded user; course total has `itemtype: 'course'`. */
    getGradeItems: (courseid: number, userid?: number, callOptions?: CallOptions) =>
      call('gradereport_user_get_grade_items', { courseid, userid }, gradeItemsResultSchema, callOptions),

    /** `core_course_get_contents`: sections and modules; attendance instances have `modname: 'attendance'`. */
    getCourseContents: (courseid: number, callOptions?: CallOptions) =>
      call('core_course_get_contents', { courseid }, z.array(courseSectionSchema), callOptions),

    /** `core_webservice_get_site_info`: the token's user and the functions of its service. */
    getSiteInfo: (callOptions?: CallOptions) => call('core_webservice_get_site_info', {}, siteInfoSchema, callOptions),

    /**
     * `core_enrol_get_enrolled_users`: a course's roster, suspended enrolments included (with no
     * flag, 076) unless `onlyactive` (077); `onlysuspended` gives only those (078).
     */
    getEnrolledUsers: (courseid: number, filter: { onlyactive?: boolean; onlysuspended?: boolean } = {}, callOptions?: CallOptions) =>
      call(
        'core_enrol_get_enrolled_users',
        {
          courseid,
          options: [
            { name: 'userfields', value: 'id,idnumber,roles' },
            ...Object.entries(filter).map(([name, on]) => ({ name, value: on ? '1' : '0' })),
          ],
        },
        z.array(enrolledUserSchema),
        callOptions,
      ),

    /**
     * `core_enrol_get_enrolled_users` for reports: a course's participants with their site-wide
     * `lastaccess` and `lastcourseaccess` (0 = never) and roles, suspended enrolments included unless `onlyactive`.
     */
    getParticipantsAccess: (courseid: number, filter: { onlyactive?: boolean } = {}, callOptions?: CallOptions) =>
      call(
        'core_enrol_get_enrolled_users',
        { courseid, options: [{ name: 'userfields', value: 'id,idnumber,lastaccess,lastcourseaccess,roles' }, ...(filter.onlyactive ? [{ name: 'onlyactive', value: '1' }] : [])] },
        z.array(participantAccessSchema),
        callOptions,
      ),

    /** `mod_attendance_get_sessions`: every session of one attendance instance with its log. */
    getAttendanceSessions: (attendanceid: number, callOptions?: CallOptions) =>
      call('mod_attendance_get_sessions', { attendanceid }, z.array(attendanceSessionSchema), callOptions),
  };
}

export type MoodleClient = ReturnType<typeof createMoodleClient>;

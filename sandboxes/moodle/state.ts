import { randomBytes } from 'node:crypto';
import type { ConversationRecord, MessageRecord } from './messaging';
import type { PaymentAccount } from './payments';
import type { CategoryRecord } from './categories';
import type { GroupingGroup, GroupingRecord, GroupMember, GroupRecord } from './groups';
import type { AttendanceLog, AttendanceSession, AttendanceStatus } from './attendance-register';
import { defaultSettings, type SiteSettings } from './settings';
import type { ActivityCompletion, ContextRoleAssignment, CourseCompletionCriterion } from './roster-state';

/**
 * The sandbox's in-memory Moodle database: just the tables and columns the web-service functions
 * read or write. Ids come from per-table sequences, so a rolled-back batch still consumes ids
 * like PostgreSQL sequences do (capture 017).
 */
export interface UserRecord {
  id: number;
  username: string;
  auth: string;
  firstname: string;
  lastname: string;
  email: string;
  idnumber: string;
  suspended: boolean;
  deleted: boolean;
  confirmed: boolean;
  lang: string;
  theme: string;
  timezone: string;
  mailformat: number;
  department: string;
  institution: string;
  city: string;
  country: string;
  phone1: string;
  phone2: string;
  address: string;
  description: string;
  firstaccess: number;
  lastaccess: number;
  /** Only whether one is set: the sandbox never needs the secret itself. */
  hasPassword: boolean;
  forcePasswordChange: boolean;
  customfields: Record<string, string>;
  preferences: Record<string, string>;
}

export interface CourseRecord {
  id: number;
  category: number;
  fullname: string;
  shortname: string;
  idnumber: string;
  summary: string;
  format: string;
  visible: number;
  startdate: number;
  enddate: number;
  enablecompletion: number;
  showgrades: number;
  newsitems: number;
  sortorder: number;
  timecreated: number;
  timemodified: number;
  cacherev: number;
}

export interface EnrolInstance {
  id: number;
  courseid: number;
  enrol: 'manual' | 'self' | 'guest' | 'fee';
  /** 0 = enabled, 1 = disabled, as ENROL_INSTANCE_ENABLED/DISABLED. */
  status: number;
  roleid: number;
  cost?: string;
  currency?: string;
  /** enrol_fee: the payment account (`customint1`). */
  customint1?: number;
}

export interface UserEnrolment {
  id: number;
  enrolid: number;
  userid: number;
  /** 0 = active, 1 = suspended. */
  status: number;
  timestart: number;
  timeend: number;
  timecreated: number;
  /** Who last changed it and when; local_webhooks sends the whole row on unenrol (capture 307). */
  modifierid?: number;
  timemodified?: number;
}

export interface RoleAssignment {
  userid: number;
  courseid: number;
  roleid: number;
}

export interface Role {
  id: number;
  shortname: string;
  /** Empty: Moodle shows localised names for standard roles. */
  name: string;
  sortorder: number;
}

export interface CourseModule {
  id: number;
  courseid: number;
  modname: string;
  instance: number;
  name: string;
  section: number;
  visible: number;
  /** Activity completion tracking: 0 none, 1 manual, 2 automatic (COMPLETION_TRACKING_*); absent = 0. */
  completion?: number;
  /** Automatic completion on view (`completionview`). */
  completionview?: number;
}

export interface GradeItem {
  id: number;
  courseid: number;
  itemtype: 'course' | 'mod' | 'manual';
  itemmodule: string | null;
  iteminstance: number;
  itemnumber: number | null;
  itemname: string | null;
  idnumber: string | null;
  categoryid: number | null;
  grademin: number;
  grademax: number;
  cmid?: number;
}

export interface Grade {
  itemid: number;
  userid: number;
  rawgrade: number;
  timemodified: number;
}

export interface SentMail {
  to: string;
  userid: number;
  subject: string;
  /** The generated password is not kept: tests only need to see that Moodle mailed credentials. */
  kind: 'newuser';
  time: number;
}

export interface MoodleState {
  settings: SiteSettings;
  service: { shortname: string; functions: string[] };
  tokens: Map<string, number>;
  /** The caller's RSS/calendar key that site info reveals. */
  privateAccessKey: string;
  users: UserRecord[];
  courses: CourseRecord[];
  categories: Map<number, CategoryRecord>;
  groups: GroupRecord[];
  groupMembers: GroupMember[];
  groupings: GroupingRecord[];
  groupingGroups: GroupingGroup[];
  /** Context ids by `level:instanceid`, handed out on first use (roster-state.ts). */
  contextIds: Map<string, number>;
  /** Role assignments outside course contexts (module level); course ones are `roleAssignments`. */
  contextRoleAssignments: ContextRoleAssignment[];
  /** `course_modules_completion` rows by `cmid:userid`. */
  activityCompletions: Map<string, ActivityCompletion>;
  /** Activity-completion criteria of a course (`course_completion_criteria` type 4), by courseid. */
  activityCriteria: Map<number, CourseCompletionCriterion[]>;
  /** `course_completion_crit_compl`: when a user met an activity criterion (completion-tracking.ts). */
  criterionCompletions: Map<string, number>;
  /** Custom user profile fields by shortname; values for undefined fields are dropped like profile_save_data does. */
  profileFields: Map<string, { name: string; datatype: 'text' | 'menu' | 'datetime' | 'checkbox' }>;
  enrolInstances: EnrolInstance[];
  userEnrolments: UserEnrolment[];
  roleAssignments: RoleAssignment[];
  roles: Role[];
  /** Roles the web-service user may assign (role_allow_assign). */
  assignableRoles: number[];
  modules: CourseModule[];
  gradeItems: GradeItem[];
  grades: Grade[];
  completionCriteria: Map<number, { gradepass: number }>;
  /** `course_completion_crit_compl` of the grade criterion by `courseid:userid`: the cron pass that saw it met. */
  gradeCriterionMet: Map<string, number>;
  /** `course_completions.timecompleted` by `courseid:userid`, written only by the completion cron task. */
  courseCompletions: Map<string, number>;
  attendanceStatuses: AttendanceStatus[];
  attendanceSessions: AttendanceSession[];
  attendanceLogs: AttendanceLog[];
  mail: SentMail[];
  /** Instant messages and their conversations (messaging.ts); never rolled back, as capture 280 shows. */
  messages: MessageRecord[];
  conversations: ConversationRecord[];
  /** Payment accounts with their enabled gateways (payments.ts). */
  paymentAccounts: PaymentAccount[];
  sequences: Map<string, number>;
  /** Moodle's clock in seconds; tests may pin it. */
  now: () => number;
}

export function nextId(state: MoodleState, table: string): number {
  const next = (state.sequences.get(table) ?? 0) + 1;
  state.sequences.set(table, next);
  return next;
}

export function emptyState(): MoodleState {
  return {
    settings: defaultSettings(),
    service: { shortname: 'campus_bridge', functions: [] },
    tokens: new Map(),
    privateAccessKey: randomBytes(16).toString('hex'),
    users: [],
    courses: [],
    categories: new Map(),
    groups: [],
    groupMembers: [],
    groupings: [],
    groupingGroups: [],
    contextIds: new Map(),
    contextRoleAssignments: [],
    activityCompletions: new Map(),
    activityCriteria: new Map(),
    criterionCompletions: new Map(),
    profileFields: new Map(),
    enrolInstances: [],
    userEnrolments: [],
    roleAssignments: [],
    roles: [],
    assignableRoles: [],
    modules: [],
    gradeItems: [],
    grades: [],
    completionCriteria: new Map(),
    gradeCriterionMet: new Map(),
    courseCompletions: new Map(),
    attendanceStatuses: [],
    attendanceSessions: [],
    attendanceLogs: [],
    mail: [],
    messages: [],
    conversations: [],
    paymentAccounts: [],
    sequences: new Map(),
    now: () => Math.floor(Date.now() / 1000),
  };
}

export function newUser(state: MoodleState, fields: Partial<UserRecord> & Pick<UserRecord, 'username' | 'firstname' | 'lastname' | 'email'>): UserRecord {
  return {
    id: nextId(state, 'user'),
    auth: 'manual',
    idnumber: '',
    suspended: false,
    deleted: false,
    confirmed: true,
    lang: 'en',
    theme: '',
    timezone: '99',
    mailformat: 1,
    department: '',
    institution: '',
    city: '',
    country: '',
    phone1: '',
    phone2: '',
    address: '',
    description: '',
    firstaccess: 0,
    lastaccess: 0,
    hasPassword: false,
    forcePasswordChange: false,
    customfields: {},
    preferences: {},
    ...fields,
  };
}

/** Snapshot/restore around a batch: Moodle's delegated transaction, minus the sequences. */
export function transaction<T>(state: MoodleState, work: () => T): T {
  const saved = {
    users: state.users.map((user) => ({ ...user })),
    courses: state.courses.map((course) => ({ ...course })),
    enrolInstances: [...state.enrolInstances],
    userEnrolments: state.userEnrolments.map((ue) => ({ ...ue })),
    roleAssignments: [...state.roleAssignments],
    grades: state.grades.map((grade) => ({ ...grade })),
    gradeItems: [...state.gradeItems],
    categories: new Map([...state.categories].map(([id, category]) => [id, { ...category }])),
    groups: state.groups.map((group) => ({ ...group })),
    groupMembers: [...state.groupMembers],
    groupings: state.groupings.map((grouping) => ({ ...grouping })),
    groupingGroups: [...state.groupingGroups],
    contextRoleAssignments: [...state.contextRoleAssignments],
    activityCompletions: new Map(state.activityCompletions),
    criterionCompletions: new Map(state.criterionCompletions),
    courseCompletions: new Map(state.courseCompletions),
  };
  try {
    return work();
  } catch (error) {
    Object.assign(state, saved);
    throw error;
  }
}

import { wsFunctions } from '../functions/index';
import { newUser, type MoodleState, type UserRecord } from '../state';
import { addCategory } from '../categories';

/** Standard roles of a Moodle 4.1 install; the web-service role may assign the course-level teaching and student roles. */
const standardRoles: [number, string, boolean][] = [
  [1, 'manager', false],
  [2, 'coursecreator', false],
  [3, 'editingteacher', true],
  [4, 'teacher', true],
  [5, 'student', true],
  [6, 'guest', false],
  [7, 'user', false],
  [8, 'frontpage', false],
];

export interface SiteSeedOptions {
  token: string;
  sitename: string;
  siteShortname: string;
  siteSummary: string;
  /** Functions of the external service the token belongs to. */
  functions: string[];
  siteCreated: number;
}

/**
 * What a fresh Moodle install plus the integration set-up of reference §2 contain: guest (1),
 * admin (2), the web-service user `campusbridge` (3) with its token, the site course (1),
 * "Category 1", the standard roles.
 */
export function seedSite(state: MoodleState, options: SiteSeedOptions): UserRecord {
  state.settings.sitename = options.sitename;
  state.settings.siteShortname = options.siteShortname;
  state.settings.siteSummary = options.siteSummary;
  state.users.push(newUser(state, { username: 'guest', firstname: 'Guest user', lastname: ' ', email: 'root@localhost' }));
  state.users.push(newUser(state, { username: 'admin', firstname: 'Admin', lastname: 'User', email: 'admin@example.com', hasPassword: true }));
  const wsUser = newUser(state, {
    username: 'campusbridge',
    firstname: 'Campus',
    lastname: 'Bridge',
    email: 'campusbridge@example.com',
    hasPassword: true,
    preferences: { auth_manual_passwordupdatetime: String(options.siteCreated + 114), last_time_enrolments_synced: String(options.siteCreated + 117) },
  });
  state.users.push(wsUser);
  state.tokens.set(options.token, wsUser.id);
  state.service = { shortname: 'campus_bridge', functions: options.functions };
  state.roles = standardRoles.map(([id, shortname]) => ({ id, shortname, name: '', sortorder: id }));
  state.assignableRoles = standardRoles.filter(([, , assignable]) => assignable).map(([id]) => id);
  addCategory(state, { name: 'Category 1' });
  state.courses.push({
    id: 1,
    category: 0,
    fullname: options.sitename,
    shortname: options.siteShortname,
    idnumber: '',
    summary: options.siteSummary,
    format: 'site',
    visible: 1,
    startdate: 0,
    enddate: 0,
    enablecompletion: 0,
    showgrades: 1,
    newsitems: 3,
    sortorder: 1,
    timecreated: options.siteCreated,
    timemodified: options.siteCreated + 58,
    cacherev: options.siteCreated + 63,
  });
  state.sequences.set('course', 1);
  return wsUser;
}

/** Every function the sandbox implements, for the `empty` and `demo` seeds. */
export const allSandboxFunctions = () => [...wsFunctions.keys()];

import { startMoodleSandbox, type MoodleSandbox } from '../../../sandboxes/moodle';
import { addCategory } from '../../../sandboxes/moodle/categories';
import { firstSetRoleCapabilities } from '../../../sandboxes/moodle/capabilities';
import { replay, type Capture } from './captures';

/**
 * The second capture set's site (4.1.11, captures 141-319) as the roster captures leave it, for
 * the replays that run in order against one sandbox. Held-back captures are re-created from the
 * addendum's text as plain calls, their responses not compared.
 */
export const secondSiteToken = 'c2-token';
const timeKeys = new Set(['timecreated', 'timemodified', 'cacherev', 'timecompleted']);

/**
 * Normalised, each for a reason: `timecreated`, `timemodified`, `cacherev`, `timecompleted`
 * (wall clock of the run); the theme revision in image URLs (a per-site cache counter); the site
 * URL (the sandbox listens on a free port).
 */
export function normaliseSecondSite(value: unknown, siteUrl: string): unknown {
  if (typeof value === 'string') {
    return [siteUrl, 'http://127.0.0.1:8090'].reduce((text, url) => text.split(url).join('<site>'), value).replace(/\/core\/\d+\/u\//g, '/core/<rev>/u/');
  }
  if (Array.isArray(value)) return value.map((item) => normaliseSecondSite(item, siteUrl));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, timeKeys.has(key) && typeof item === 'number' && item > 1e9 ? '<time>' : normaliseSecondSite(item, siteUrl)]));
  }
  return value;
}

/** The functions the addendum added to the service. */
export const secondSiteFunctions = [
  'core_course_create_categories', 'core_course_get_categories', 'core_course_update_categories', 'core_course_update_courses', 'core_course_duplicate_course',
  'core_group_create_groups', 'core_group_get_course_groups', 'core_group_get_groups', 'core_group_add_group_members', 'core_group_get_group_members',
  'core_group_delete_group_members', 'core_group_update_groups', 'core_group_delete_groups', 'core_group_create_groupings', 'core_group_assign_grouping',
  'core_group_get_course_groupings', 'core_group_get_groupings', 'core_role_assign_roles', 'core_role_unassign_roles',
  'core_completion_get_activities_completion_status', 'core_completion_mark_course_self_completed',
  'core_completion_override_activity_completion_status', 'core_completion_update_activity_completion_status_manually',
  'core_message_send_instant_messages', 'core_message_get_messages', 'core_enrol_get_course_enrolment_methods', 'core_payment_get_available_gateways',
];

/** Capabilities granted to the role right after the capture that failed without them (addendum table). */
const grantedAfter: Record<number, string[]> = {
  141: ['moodle/category:manage'],
  179: ['moodle/restore:restorecourse'],
  180: ['moodle/backup:backupcourse'],
  186: ['moodle/backup:configure'],
  // 192 (held back) failed without it; 191 is the last capture before.
  191: ['moodle/course:managegroups'],
  253: ['report/progress:view'],
  259: ['moodle/course:overridecompletion'],
  274: ['moodle/site:messageanyuser'],
};
/** `moodle/category:manage` was taken away for 162–163 only. */
const revokedDuring: Record<number, string[]> = { 162: ['moodle/category:manage'], 163: ['moodle/category:manage'] };

export type WsCall = [string, Record<string, string>];
/** What the held-back roster captures did, from the addendum's "Data left in the site" and later captures. */
const heldBack: Record<number, WsCall[]> = {
  144: [['core_course_create_categories', { 'categories[0][name]': 'Department of Physics', 'categories[0][idnumber]': 'C2-PHYS', 'categories[0][parent]': '3', 'categories[1][name]': 'Department of Chemistry', 'categories[1][idnumber]': 'C2-CHEM', 'categories[1][parent]': '3' }]],
  151: [['core_course_create_categories', { 'categories[0][name]': 'Department of Physics', 'categories[0][parent]': '3' }]],
  165: [['core_course_create_courses', {
    'courses[0][fullname]': 'Physics 101: Mechanics', 'courses[0][shortname]': 'C2-PHY101', 'courses[0][categoryid]': '4', 'courses[0][idnumber]': 'C2-PHY101-2026', 'courses[0][format]': 'weeks', 'courses[0][startdate]': '1798761600', 'courses[0][enablecompletion]': '1',
    'courses[1][fullname]': 'Physics 102: Waves', 'courses[1][shortname]': 'C2-PHY102', 'courses[1][categoryid]': '4', 'courses[1][idnumber]': 'C2-PHY102-2026', 'courses[1][enablecompletion]': '0',
  }]],
  172: [['core_course_update_courses', { 'courses[0][id]': '28', 'courses[0][shortname]': 'C2-PHY102W', 'courses[0][fullname]': 'Physics 102: Waves and Optics' }]],
  235: [['core_role_assign_roles', { 'assignments[0][roleid]': '3', 'assignments[0][userid]': '5489', 'assignments[0][contextlevel]': 'course', 'assignments[0][instanceid]': '27' }]],
  263: [['core_completion_override_activity_completion_status', { userid: '5489', cmid: '43', newstate: '1' }]],
};

/** A plain web-service call that must succeed (held-back captures, set-up steps). */
export async function callWs(sandbox: MoodleSandbox, [wsfunction, params]: WsCall): Promise<unknown> {
  const body = new URLSearchParams({ wstoken: secondSiteToken, moodlewsrestformat: 'json', wsfunction, ...params });
  const response = await fetch(`${sandbox.url}/webservice/rest/server.php`, { method: 'POST', body });
  const result: unknown = await response.json();
  if (result && typeof result === 'object' && 'exception' in result) throw new Error(`${wsfunction}: ${JSON.stringify(result)}`);
  return result;
}

/**
 * The second site before capture 141: categories 1-2, courses to 26 (each with its manual, guest
 * and self instances, so course 27's manual instance is 76 as in 307), users to 5487; new courses
 * get completion on (167).
 */
export async function startSecondSite(): Promise<MoodleSandbox> {
  const sandbox = await startMoodleSandbox({ seed: 'captures', token: secondSiteToken });
  const { state } = sandbox;
  state.service.functions.push(...secondSiteFunctions);
  state.settings.wsRoleCapabilities = [...firstSetRoleCapabilities];
  addCategory(state, { name: 'Category 2' });
  state.sequences.set('course', 26);
  state.sequences.set('enrol', 25 * 3);
  state.sequences.set('user', 5487);
  state.settings.defaultEnableCompletion = 1;
  return sandbox;
}

/** What the capture run did outside the web services just before a roster capture. */
export async function beforeRosterCapture(sandbox: MoodleSandbox, capture: Capture) {
  const { state } = sandbox;
  for (const step of heldBack[capture.number] ?? []) await callWs(sandbox, step);
  // Course 27's two activities with completion (254's note), added before the completion captures.
  if (capture.number === 252) {
    state.modules.push({ id: 43, courseid: 27, modname: 'assign', instance: 8, name: 'Lab report 1', section: 1, visible: 1, completion: 2, completionview: 1 });
    state.modules.push({ id: 44, courseid: 27, modname: 'page', instance: 1, name: 'Reading: Newton', section: 1, visible: 1, completion: 1 });
  }
  // Criteria set through the PHP API before 258: both activities, aggregation ALL.
  if (capture.number === 258) state.activityCriteria.set(27, [{ cmid: 43 }, { cmid: 44 }]);
  state.settings.revokedCapabilities = revokedDuring[capture.number] ?? [];
}

export function afterRosterCapture(sandbox: MoodleSandbox, capture: Capture) {
  sandbox.state.settings.revokedCapabilities = [];
  sandbox.state.settings.wsRoleCapabilities.push(...(grantedAfter[capture.number] ?? []));
}

/** Replays 141-272 without comparing (their own test does): the state the later captures start from. */
export async function replayRosterCaptures(sandbox: MoodleSandbox, captures: Capture[]) {
  for (const capture of captures.filter((candidate) => candidate.number >= 141 && candidate.number <= 272)) {
    await beforeRosterCapture(sandbox, capture);
    await replay(capture, sandbox.url, secondSiteToken);
    afterRosterCapture(sandbox, capture);
  }
}

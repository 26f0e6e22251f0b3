import type { MoodleState } from './state';

/**
 * The web-service user's capabilities. Moodle grants the union of the user's roles in the system
 * context: the integration role (`campusbridgews` on the captured sites) and the default
 * Authenticated user role, minus anything the integration role PROHIBITs.
 */

/** Activity modules the sandbox models; the captured role held `mod/<module>:view` for every module that defines one. */
const modelledModules = ['assign', 'quiz', 'attendance', 'forum', 'page'];

/** Role `campusbridgews` as the first capture set lists it (captures README, "Web-service configuration"). */
export const firstSetRoleCapabilities: readonly string[] = [
  'webservice/rest:use',
  'moodle/user:create',
  'moodle/user:update',
  'moodle/user:viewdetails',
  'moodle/user:viewhiddendetails',
  'moodle/user:viewalldetails',
  'moodle/site:viewuseridentity',
  'moodle/site:viewfullnames',
  'moodle/site:accessallgroups',
  'moodle/course:create',
  'moodle/course:view',
  'moodle/course:viewhiddencourses',
  'moodle/course:visibility',
  'moodle/course:update',
  'moodle/course:changeidnumber',
  'moodle/course:changefullname',
  'moodle/course:changeshortname',
  'moodle/course:changesummary',
  'moodle/course:changecategory',
  'moodle/course:viewparticipants',
  'moodle/course:enrolreview',
  'moodle/course:viewhiddenuserfields',
  'moodle/course:useremail',
  'moodle/category:viewhiddencategories',
  'enrol/manual:enrol',
  'enrol/manual:unenrol',
  'enrol/manual:manage',
  'moodle/role:assign',
  'moodle/grade:viewall',
  'moodle/grade:view',
  'moodle/grade:manage',
  'moodle/grade:edit',
  'gradereport/user:view',
  'report/completion:view',
  ...modelledModules.map((module) => `mod/${module}:view`),
];

/** What the second capture set added to the same role, each after a capture of the call failing without it (addendum). */
export const secondSetRoleAdditions: readonly string[] = [
  'moodle/category:manage',
  'moodle/restore:restorecourse',
  'moodle/backup:backupcourse',
  'moodle/backup:configure',
  'moodle/course:managegroups',
  'report/progress:view',
  'moodle/course:overridecompletion',
  'moodle/site:messageanyuser',
];

/**
 * The role the product documents for its integration user: the captured role of both capture sets
 * (the second set's additions are what roster provisioning calls need: categories, course
 * duplication, groups, activity completion) plus what the syncs need beyond it. mod_attendance's
 * reads need manage, take or change attendances, not only `mod/attendance:view` (issue 9, from
 * mod_attendance's externallib.php). Allow-assign of roles 3, 4 and 5 is part of the same set-up
 * (seeds/site.ts).
 */
export const integrationRoleCapabilities: readonly string[] = [...firstSetRoleCapabilities, ...secondSetRoleAdditions, 'mod/attendance:takeattendances'];

/** Allowed to every logged-in user by the default Authenticated user role; relevant to the modelled functions only. */
export const authenticatedUserCapabilities: readonly string[] = ['moodle/site:sendmessage'];

/** has_capability for the web-service user: its role or Authenticated user, unless revoked (a PROHIBIT on the role). */
export function wsUserHasCapability(state: MoodleState, capability: string): boolean {
  if (state.settings.revokedCapabilities.includes(capability)) return false;
  return state.settings.wsRoleCapabilities.includes(capability) || authenticatedUserCapabilities.includes(capability);
}

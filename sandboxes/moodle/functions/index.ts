import { getSession, getSessions } from './attendance';
import { getCategories, createCategories, updateCategories } from './categories';
import { getCourseCompletionStatus } from './completion';
import { getActivitiesCompletionStatus, markCourseSelfCompleted, overrideActivityCompletionStatus, updateActivityCompletionStatusManually } from './completion-admin';
import { duplicateCourse, updateCourses } from './course-admin';
import { createCourses, getCourseContents, getCoursesByField } from './courses';
import { enrolUsers, getEnrolledUsers, getUsersCourses, unenrolUsers } from './enrol';
import { getAvailableGateways, getCourseEnrolmentMethods } from './enrolment-methods';
import { getMessages, sendInstantMessages } from './messages';
import type { WsFunction } from './function';
import { getGradeItems, updateGrades } from './grades';
import { assignGrouping, createGroupings, getCourseGroupings, getGroupings } from './groupings';
import { addGroupMembers, createGroups, deleteGroupMembers, deleteGroups, getCourseGroups, getGroupMembers, getGroups, updateGroups } from './groups';
import { assignRoles, unassignRoles } from './roles';
import { siteInfo } from './site-info';
import { createUsers, getUsers, getUsersByField, updateUsers } from './users';

const implemented: WsFunction[] = [
  getUsersByField,
  getUsers,
  createUsers,
  updateUsers,
  getCoursesByField,
  createCourses,
  getCourseContents,
  enrolUsers,
  unenrolUsers,
  getEnrolledUsers,
  getUsersCourses,
  getGradeItems,
  updateGrades,
  getCourseCompletionStatus,
  getSession,
  getSessions,
  // Roster provisioning (issue 13).
  createCategories,
  getCategories,
  updateCategories,
  updateCourses,
  duplicateCourse,
  createGroups,
  getCourseGroups,
  getGroups,
  updateGroups,
  deleteGroups,
  addGroupMembers,
  deleteGroupMembers,
  getGroupMembers,
  createGroupings,
  assignGrouping,
  getCourseGroupings,
  getGroupings,
  assignRoles,
  unassignRoles,
  getActivitiesCompletionStatus,
  overrideActivityCompletionStatus,
  updateActivityCompletionStatusManually,
  markCourseSelfCompleted,
  getCourseEnrolmentMethods,
  getAvailableGateways,
  sendInstantMessages,
  getMessages,
];

const versions = new Map(implemented.map((fn) => [fn.name, fn.version]));
versions.set('core_webservice_get_site_info', '2022112810');

/** Every web-service function the sandbox can execute, by wsfunction name. */
export const wsFunctions = new Map<string, WsFunction>([...implemented, siteInfo(versions)].map((fn) => [fn.name, fn]));

/**
 * Functions that exist in a Moodle 4.1 install (rows in `external_functions`) but that the sandbox
 * does not implement: a service may list them, and calling one outside the service is an
 * `accessexception` rather than an unknown function (capture 003).
 */
export const otherMoodleFunctions = new Set([
  'core_course_delete_courses',
  'core_course_get_courses',
  'core_user_delete_users',
  'core_cohort_create_cohorts',
  'core_cohort_add_cohort_members',
  'core_cohort_get_cohort_members',
  'gradereport_overview_get_course_grades',
  'mod_attendance_add_attendance',
  'mod_attendance_add_session',
  'mod_attendance_update_user_status',
]);

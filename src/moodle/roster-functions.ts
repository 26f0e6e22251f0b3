import { z } from 'zod';
import type { CallOptions, MoodleCall } from './rest-transport';
import {
  categorySchema,
  courseCompletionSchema,
  createdCategorySchema,
  createdCourseSchema,
  groupMembersSchema,
  groupSchema,
  rosterParticipantSchema,
  updateCoursesResultSchema,
} from './roster-schemas';

const nullResult = z.null();

export type NewCategory = { name: string; parent: number; idnumber: string };
export type NewCourse = { fullname: string; shortname: string; categoryid: number; idnumber: string; visible?: number; enablecompletion?: number };
export type CourseUpdate = { id: number; fullname?: string; shortname?: string; categoryid?: number; idnumber?: string };
export type GroupMember = { groupid: number; userid: number };
/** A course-level role (contextlevel `course`, instanceid = course id), as `core_role_*` take it. */
export type CourseRole = { roleid: number; userid: number; courseid: number };

/** The roster web-service functions; `campus-bridge doctor` compares them with the service's list too. */
export const moodleRosterFunctions = [
  'core_course_get_categories',
  'core_course_create_categories',
  'core_course_update_categories',
  'core_course_create_courses',
  'core_course_update_courses',
  'core_course_duplicate_course',
  'core_group_get_course_groups',
  'core_group_create_groups',
  'core_group_update_groups',
  'core_group_get_group_members',
  'core_group_add_group_members',
  'core_group_delete_group_members',
  'core_role_unassign_roles',
  'core_completion_get_course_completion_status',
] as const;

const courseContext = ({ roleid, userid, courseid }: CourseRole) => ({ roleid, userid, contextlevel: 'course', instanceid: courseid });

/**
 * Roster functions over the client's transport (one typed function per wsfunction). Group batches
 * are all-or-nothing per request (197, 207 → 210), so callers send members only once they are enrolled.
 */
export function createRosterFunctions(call: MoodleCall) {
  return {
    /** `core_course_get_categories` by one criterion; `addsubcategories` off, or every descendant comes too (151). */
    getCategories: (criterion: { key: 'id' | 'idnumber' | 'parent' | 'name'; value: string }, callOptions?: CallOptions) =>
      call('core_course_get_categories', { criteria: [criterion], addsubcategories: 0 }, z.array(categorySchema), callOptions),

    /** `core_course_create_categories`: a taken idnumber is `categoryidnumbertaken` (145); all-or-nothing (146/147). */
    createCategories: (categories: NewCategory[], callOptions?: CallOptions) =>
      call('core_course_create_categories', { categories }, z.array(createdCategorySchema), callOptions),

    updateCategories: (categories: { id: number; name?: string; parent?: number }[], callOptions?: CallOptions) =>
      call('core_course_update_categories', { categories }, nullResult, callOptions),

    /** `core_course_create_courses`: shortname and idnumber unique site-wide (`shortnametaken`, `courseidnumbertaken`). */
    createCourses: (courses: NewCourse[], callOptions?: CallOptions) =>
      call('core_course_create_courses', { courses }, z.array(createdCourseSchema), callOptions),

    /** `core_course_update_courses`: problems come back as warnings, and a move to a missing category is stored (173). */
    updateCourses: (courses: CourseUpdate[], callOptions?: CallOptions) =>
      call('core_course_update_courses', { courses }, updateCoursesResultSchema, callOptions),

    /** `core_course_duplicate_course`: synchronous backup and restore (0.65–1.47 s, 181); the copy has no idnumber (189). */
    duplicateCourse: (source: { courseid: number; fullname: string; shortname: string; categoryid: number; visible?: number }, callOptions?: CallOptions) =>
      call('core_course_duplicate_course', { ...source, options: [{ name: 'users', value: '0' }] }, createdCourseSchema, callOptions),

    getCourseGroups: (courseid: number, callOptions?: CallOptions) =>
      call('core_group_get_course_groups', { courseid }, z.array(groupSchema), callOptions),

    /** `core_group_create_groups`: name and idnumber unique per course (194–196). */
    createGroups: (groups: { courseid: number; name: string; idnumber: string; description?: string }[], callOptions?: CallOptions) =>
      call('core_group_create_groups', { groups: groups.map((group) => ({ description: '', ...group })) }, z.array(groupSchema), callOptions),

    updateGroups: (groups: { id: number; name: string; idnumber?: string }[], callOptions?: CallOptions) =>
      call('core_group_update_groups', { groups }, nullResult, callOptions),

    getGroupMembers: (groupids: number[], callOptions?: CallOptions) =>
      call('core_group_get_group_members', { groupids }, groupMembersSchema, callOptions),

    /** Only enrolled users may join (207); one request is all-or-nothing. */
    addGroupMembers: (members: GroupMember[], callOptions?: CallOptions) =>
      call('core_group_add_group_members', { members }, nullResult, callOptions),

    /** Unknown ids are ignored. */
    deleteGroupMembers: (members: GroupMember[], callOptions?: CallOptions) =>
      call('core_group_delete_group_members', { members }, nullResult, callOptions),

    /** A course's participants with their roles (suspended enrolments included). */
    getCourseParticipants: (courseid: number, callOptions?: CallOptions) =>
      call('core_enrol_get_enrolled_users', { courseid, options: [{ name: 'userfields', value: 'id,idnumber,roles' }] }, z.array(rosterParticipantSchema), callOptions),

    /** `core_role_unassign_roles`: not holding the role is a no-op (248); the enrolment stays (250/251). */
    unassignCourseRoles: (roles: CourseRole[], callOptions?: CallOptions) =>
      call('core_role_unassign_roles', { unassignments: roles.map(courseContext) }, nullResult, callOptions),

    /** `usernotenroled` before `nocriteriaset` (118); activity criteria complete the course in the same request (266). */
    getCourseCompletionStatus: (courseid: number, userid: number, callOptions?: CallOptions) =>
      call('core_completion_get_course_completion_status', { courseid, userid }, courseCompletionSchema, callOptions),
  };
}

export type MoodleRosterFunctions = ReturnType<typeof createRosterFunctions>;

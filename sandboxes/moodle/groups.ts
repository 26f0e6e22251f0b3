import { moodleException } from './exceptions';
import type { MoodleState } from './state';

/** A row of `groups`. `enrolmentkey` is NULL when none was given (captures 193 vs 200). */
export interface GroupRecord {
  id: number;
  courseid: number;
  name: string;
  idnumber: string;
  description: string;
  descriptionformat: number;
  enrolmentkey: string | null;
  timecreated: number;
  timemodified: number;
}

export interface GroupMember {
  groupid: number;
  userid: number;
  timeadded: number;
}

export interface GroupingRecord {
  id: number;
  courseid: number;
  name: string;
  idnumber: string;
  description: string;
  descriptionformat: number;
  timecreated: number;
  timemodified: number;
}

export interface GroupingGroup {
  groupingid: number;
  groupid: number;
  timeadded: number;
}

/**
 * `groups_create_group`/`groups_update_group` (and the grouping twins): an idnumber is unique within
 * its course only (captures 195, 196, 218, 222); an empty one is never "taken".
 */
export function checkGroupIdnumber(records: { id: number; courseid: number; idnumber: string }[], courseid: number, idnumber: string, ownId?: number) {
  if (idnumber === '') return;
  if (records.some((record) => record.courseid === courseid && record.idnumber === idnumber && record.id !== ownId)) {
    throw moodleException('idnumbertaken', 'This ID number is already in use');
  }
}

export const groupMembers = (state: MoodleState, groupid: number) => state.groupMembers.filter((member) => member.groupid === groupid);

/** `groups_delete_group`: members and grouping links go with it. */
export function deleteGroup(state: MoodleState, groupid: number) {
  state.groupMembers = state.groupMembers.filter((member) => member.groupid !== groupid);
  state.groupingGroups = state.groupingGroups.filter((link) => link.groupid !== groupid);
  state.groups = state.groups.filter((group) => group.id !== groupid);
}

/** Moodle removes a user's group memberships in a course when the last enrolment there goes (`groups_delete_group_members`). */
export function removeFromCourseGroups(state: MoodleState, courseid: number, userid: number) {
  const courseGroups = new Set(state.groups.filter((group) => group.courseid === courseid).map((group) => group.id));
  state.groupMembers = state.groupMembers.filter((member) => !(member.userid === userid && courseGroups.has(member.groupid)));
}

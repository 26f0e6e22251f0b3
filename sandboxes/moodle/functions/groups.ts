import { z } from 'zod';
import { isEnrolled } from '../enrolments';
import { invalidParameter, invalidRecord, MoodleException } from '../exceptions';
import { checkGroupIdnumber, deleteGroup, groupMembers, type GroupRecord } from '../groups';
import { multiple, optional, single, value, withDefault } from '../parameters';
import { courseContextNotValid } from '../roster-state';
import { nextId, transaction, type MoodleState } from '../state';
import { requireCapability, type FunctionContext, type WsFunction } from './function';

/**
 * `core_group_*` for groups and members (group/externallib.php), as captures 192–229 show them.
 * Every function validates the course context, then needs `moodle/course:managegroups` (192).
 */

export function manageGroupsIn(context: FunctionContext, courseid: number) {
  if (!context.state.courses.some((course) => course.id === courseid)) throw courseContextNotValid(courseid);
  requireCapability(context, 'moodle/course:managegroups', 'Manage groups');
}

export function findGroup(state: MoodleState, groupid: number): GroupRecord {
  const group = state.groups.find((candidate) => candidate.id === groupid);
  if (!group) throw invalidRecord('groups', 'SELECT * FROM {groups} WHERE id = ?', [groupid]);
  return group;
}

/** `core_user::get_user(..., MUST_EXIST)` (capture 209). */
function findUser(state: MoodleState, userid: number) {
  const user = state.users.find((candidate) => candidate.id === userid && !candidate.deleted);
  if (!user) throw new MoodleException('dml_missing_record_exception', 'invaliduser', 'Invalid user', `SELECT * FROM {user} WHERE id = ? AND deleted = ?\n[array (\n  0 => ${userid},\n  1 => 0,\n)]`);
  return user;
}

/** What get_course_groups/get_groups return; the stored NULL key stays null (200). */
export const groupInfo = (group: GroupRecord) => ({
  id: group.id,
  courseid: group.courseid,
  name: group.name,
  description: group.description,
  descriptionformat: group.descriptionformat,
  enrolmentkey: group.enrolmentkey,
  idnumber: group.idnumber,
});

const sameNameTaken = (state: MoodleState, courseid: number, name: string, ownId?: number) => state.groups.some((group) => group.courseid === courseid && group.name === name && group.id !== ownId);

export const createGroups: WsFunction = {
  name: 'core_group_create_groups',
  version: '2022112810',
  parameters: {
    groups: multiple(
      single({
        courseid: value('int'),
        name: value('text'),
        description: value('raw'),
        descriptionformat: value('int', withDefault(1)),
        enrolmentkey: value('raw', optional),
        idnumber: value('raw', optional),
      }),
    ),
  },
  execute(args, context) {
    const { groups } = z
      .object({ groups: z.array(z.object({ courseid: z.number(), name: z.string(), description: z.string(), descriptionformat: z.number(), enrolmentkey: z.string().optional(), idnumber: z.string().optional() })) })
      .parse(args);
    const { state } = context;
    // One transaction: a bad entry undoes the earlier ones (197 → 200).
    return transaction(state, () =>
      groups.map((input) => {
        if (input.name.trim() === '') throw invalidParameter('Invalid group name');
        if (sameNameTaken(state, input.courseid, input.name)) throw invalidParameter('Group with the same name already exists in the course');
        manageGroupsIn(context, input.courseid);
        const idnumber = input.idnumber ?? '';
        checkGroupIdnumber(state.groups, input.courseid, idnumber);
        const now = state.now();
        const group: GroupRecord = { id: nextId(state, 'groups'), courseid: input.courseid, name: input.name, idnumber, description: input.description, descriptionformat: input.descriptionformat, enrolmentkey: input.enrolmentkey ?? null, timecreated: now, timemodified: now };
        state.groups.push(group);
        // The create answer echoes the input record, where a missing key is '' (193).
        return { ...groupInfo(group), enrolmentkey: input.enrolmentkey ?? '' };
      }),
    );
  },
};

export const getCourseGroups: WsFunction = {
  name: 'core_group_get_course_groups',
  version: '2022112810',
  parameters: { courseid: value('int') },
  execute(args, context) {
    const { courseid } = z.object({ courseid: z.number() }).parse(args);
    manageGroupsIn(context, courseid);
    // groups_get_all_groups sorts by name.
    return context.state.groups
      .filter((group) => group.courseid === courseid)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id))
      .map(groupInfo);
  },
};

export const getGroups: WsFunction = {
  name: 'core_group_get_groups',
  version: '2022112810',
  parameters: { groupids: multiple(value('int')) },
  execute(args, context) {
    const { groupids } = z.object({ groupids: z.array(z.number()) }).parse(args);
    return groupids.map((groupid) => {
      const group = findGroup(context.state, groupid);
      manageGroupsIn(context, group.courseid);
      return groupInfo(group);
    });
  },
};

export const updateGroups: WsFunction = {
  name: 'core_group_update_groups',
  version: '2022112810',
  parameters: {
    groups: multiple(
      single({
        id: value('int'),
        name: value('text'),
        description: value('raw', optional),
        descriptionformat: value('int', withDefault(1)),
        enrolmentkey: value('raw', optional),
        idnumber: value('raw', optional),
      }),
    ),
  },
  execute(args, context) {
    const { groups } = z
      .object({ groups: z.array(z.object({ id: z.number(), name: z.string(), description: z.string().optional(), descriptionformat: z.number(), enrolmentkey: z.string().optional(), idnumber: z.string().optional() })) })
      .parse(args);
    const { state } = context;
    transaction(state, () => {
      for (const input of groups) {
        if (input.name.trim() === '') throw invalidParameter('Invalid group name');
        const group = state.groups.find((candidate) => candidate.id === input.id);
        if (!group) throw invalidParameter(`Group ${input.id} does not exist`);
        if (input.name !== group.name && sameNameTaken(state, group.courseid, input.name, group.id)) {
          throw invalidParameter('A different group with the same name already exists in the course');
        }
        manageGroupsIn(context, group.courseid);
        if (input.idnumber !== undefined) checkGroupIdnumber(state.groups, group.courseid, input.idnumber, group.id);
        group.name = input.name;
        if (input.description !== undefined) group.description = input.description;
        group.descriptionformat = input.descriptionformat;
        if (input.enrolmentkey !== undefined) group.enrolmentkey = input.enrolmentkey;
        if (input.idnumber !== undefined) group.idnumber = input.idnumber;
        group.timemodified = state.now();
      }
    });
    return null;
  },
};

export const deleteGroups: WsFunction = {
  name: 'core_group_delete_groups',
  version: '2022112810',
  parameters: { groupids: multiple(value('int')) },
  execute(args, context) {
    const { groupids } = z.object({ groupids: z.array(z.number()) }).parse(args);
    const { state } = context;
    transaction(state, () => {
      for (const groupid of groupids) {
        // Unknown ids are skipped, the others still deleted (227, 228 → 229).
        const group = state.groups.find((candidate) => candidate.id === groupid);
        if (!group) continue;
        manageGroupsIn(context, group.courseid);
        deleteGroup(state, group.id);
      }
    });
    return null;
  },
};

const membersParameter = { members: multiple(single({ groupid: value('int'), userid: value('int') })) };
const membersInput = z.object({ members: z.array(z.object({ groupid: z.number(), userid: z.number() })) });

export const addGroupMembers: WsFunction = {
  name: 'core_group_add_group_members',
  version: '2022112810',
  parameters: membersParameter,
  execute(args, context) {
    const { members } = membersInput.parse(args);
    const { state } = context;
    transaction(state, () => {
      for (const member of members) {
        const group = findGroup(state, member.groupid);
        findUser(state, member.userid);
        manageGroupsIn(context, group.courseid);
        // is_enrolled() without onlyactive: a suspended enrolment still counts (from source).
        if (!isEnrolled(state, group.courseid, member.userid, false)) throw invalidParameter('Only enrolled users may be members of groups');
        // Already a member: groups_add_member returns true and changes nothing (205).
        if (groupMembers(state, group.id).some((existing) => existing.userid === member.userid)) continue;
        state.groupMembers.push({ groupid: group.id, userid: member.userid, timeadded: state.now() });
      }
    });
    return null;
  },
};

export const deleteGroupMembers: WsFunction = {
  name: 'core_group_delete_group_members',
  version: '2022112810',
  parameters: membersParameter,
  execute(args, context) {
    const { members } = membersInput.parse(args);
    const { state } = context;
    transaction(state, () => {
      for (const member of members) {
        const group = findGroup(state, member.groupid);
        findUser(state, member.userid);
        manageGroupsIn(context, group.courseid);
        // A non-member (enrolled or not) is silently fine (213, 214).
        state.groupMembers = state.groupMembers.filter((existing) => !(existing.groupid === group.id && existing.userid === member.userid));
      }
    });
    return null;
  },
};

export const getGroupMembers: WsFunction = {
  name: 'core_group_get_group_members',
  version: '2022112810',
  parameters: { groupids: multiple(value('int')) },
  execute(args, context) {
    const { groupids } = z.object({ groupids: z.array(z.number()) }).parse(args);
    const { state } = context;
    return groupids.map((groupid) => {
      const group = findGroup(state, groupid);
      manageGroupsIn(context, group.courseid);
      // groups_get_members sorts by lastname, firstname.
      const users = groupMembers(state, group.id)
        .map((member) => state.users.find((user) => user.id === member.userid))
        .filter((user) => user !== undefined)
        .sort((a, b) => a.lastname.localeCompare(b.lastname) || a.firstname.localeCompare(b.firstname) || a.id - b.id);
      return { groupid: group.id, userids: users.map((user) => user.id) };
    });
  },
};

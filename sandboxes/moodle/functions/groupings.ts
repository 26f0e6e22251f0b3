import { z } from 'zod';
import { invalidParameter, invalidRecord } from '../exceptions';
import { checkGroupIdnumber, type GroupingRecord } from '../groups';
import { multiple, optional, single, value, withDefault } from '../parameters';
import { nextId, transaction, type MoodleState } from '../state';
import type { WsFunction } from './function';
import { findGroup, groupInfo, manageGroupsIn } from './groups';

/** `core_group_*` for groupings (group/externallib.php), as captures 221–225 show them. */

function findGrouping(state: MoodleState, groupingid: number): GroupingRecord {
  const grouping = state.groupings.find((candidate) => candidate.id === groupingid);
  if (!grouping) throw invalidRecord('groupings', 'SELECT * FROM {groupings} WHERE id = ?', [groupingid]);
  return grouping;
}

const groupingInfo = (grouping: GroupingRecord) => ({
  id: grouping.id,
  courseid: grouping.courseid,
  name: grouping.name,
  description: grouping.description,
  descriptionformat: grouping.descriptionformat,
  idnumber: grouping.idnumber,
});

export const createGroupings: WsFunction = {
  name: 'core_group_create_groupings',
  version: '2022112810',
  parameters: {
    groupings: multiple(single({ courseid: value('int'), name: value('text'), description: value('raw'), descriptionformat: value('int', withDefault(1)), idnumber: value('raw', optional) })),
  },
  execute(args, context) {
    const { groupings } = z
      .object({ groupings: z.array(z.object({ courseid: z.number(), name: z.string(), description: z.string(), descriptionformat: z.number(), idnumber: z.string().optional() })) })
      .parse(args);
    const { state } = context;
    return transaction(state, () =>
      groupings.map((input) => {
        if (input.name.trim() === '') throw invalidParameter('Invalid grouping name');
        if (state.groupings.some((grouping) => grouping.courseid === input.courseid && grouping.name === input.name)) {
          throw invalidParameter('Grouping with the same name already exists in the course');
        }
        manageGroupsIn(context, input.courseid);
        const idnumber = input.idnumber ?? '';
        checkGroupIdnumber(state.groupings, input.courseid, idnumber);
        const now = state.now();
        const grouping: GroupingRecord = { id: nextId(state, 'groupings'), courseid: input.courseid, name: input.name, idnumber, description: input.description, descriptionformat: input.descriptionformat, timecreated: now, timemodified: now };
        state.groupings.push(grouping);
        return groupingInfo(grouping);
      }),
    );
  },
};

export const assignGrouping: WsFunction = {
  name: 'core_group_assign_grouping',
  version: '2022112810',
  parameters: { assignments: multiple(single({ groupingid: value('int'), groupid: value('int') })) },
  execute(args, context) {
    const { assignments } = z.object({ assignments: z.array(z.object({ groupingid: z.number(), groupid: z.number() })) }).parse(args);
    const { state } = context;
    transaction(state, () => {
      for (const assignment of assignments) {
        const grouping = findGrouping(state, assignment.groupingid);
        const group = findGroup(state, assignment.groupid);
        manageGroupsIn(context, grouping.courseid);
        // groups_assign_grouping (from source): a group of another course is not linked; a repeat is a no-op.
        if (group.courseid !== grouping.courseid) continue;
        if (state.groupingGroups.some((link) => link.groupingid === grouping.id && link.groupid === group.id)) continue;
        state.groupingGroups.push({ groupingid: grouping.id, groupid: group.id, timeadded: state.now() });
      }
    });
    return null;
  },
};

export const getCourseGroupings: WsFunction = {
  name: 'core_group_get_course_groupings',
  version: '2022112810',
  parameters: { courseid: value('int') },
  execute(args, context) {
    const { courseid } = z.object({ courseid: z.number() }).parse(args);
    manageGroupsIn(context, courseid);
    return context.state.groupings
      .filter((grouping) => grouping.courseid === courseid)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id))
      .map(groupingInfo);
  },
};

export const getGroupings: WsFunction = {
  name: 'core_group_get_groupings',
  version: '2022112810',
  parameters: { groupingids: multiple(value('int')), returngroups: value('bool', withDefault(false)) },
  execute(args, context) {
    const { groupingids, returngroups } = z.object({ groupingids: z.array(z.number()), returngroups: z.boolean() }).parse(args);
    const { state } = context;
    return groupingids.map((groupingid) => {
      const grouping = findGrouping(state, groupingid);
      manageGroupsIn(context, grouping.courseid);
      if (!returngroups) return groupingInfo(grouping);
      const groups = state.groupingGroups
        .filter((link) => link.groupingid === grouping.id)
        .map((link) => findGroup(state, link.groupid))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id))
        .map(groupInfo);
      return { ...groupingInfo(grouping), groups };
    });
  },
};

import { z } from 'zod';
import { codingError, invalidParameter } from '../exceptions';
import { multiple, optional, single, value } from '../parameters';
import { contextFromParams, type ContextLevelName, type ContextRef } from '../roster-state';
import { transaction, type MoodleState } from '../state';
import { requireCapability, type FunctionContext, type WsFunction } from './function';

/**
 * `core_role_assign_roles` / `core_role_unassign_roles` (enrol/externallib.php, class
 * core_role_external), as captures 233–251 show them: a role the caller may not assign there is an
 * `invalid_parameter_exception`, and the whole batch is one transaction (244 → 246).
 */

/** `role_context_levels` of a standard 4.1 install (get_default_contextlevels, from source). */
const roleContextLevels: Record<string, ContextLevelName[]> = {
  manager: ['system', 'coursecat', 'course'],
  coursecreator: ['system', 'coursecat'],
  editingteacher: ['course', 'module'],
  teacher: ['course', 'module'],
  student: ['course', 'module'],
};

/** get_assignable_roles: in role_allow_assign for the caller's role and allowed at the context's level (238–240). */
function isAssignable(state: MoodleState, roleid: number, context: ContextRef): boolean {
  const role = state.roles.find((candidate) => candidate.id === roleid);
  if (!role || !state.assignableRoles.includes(roleid)) return false;
  return (roleContextLevels[role.shortname] ?? []).includes(context.level);
}

const assignmentShape = { roleid: value('int'), userid: value('int'), contextid: value('int', optional), contextlevel: value('alpha', optional), instanceid: value('int', optional) };
const assignmentInput = z.object({ roleid: z.number(), userid: z.number(), contextid: z.number().optional(), contextlevel: z.string().optional(), instanceid: z.number().optional() });
type Assignment = z.infer<typeof assignmentInput>;

/** The debuginfo interpolates `$assignment['contextid']`, empty when the caller used contextlevel (238). */
const contextidText = (assignment: Assignment) => (assignment.contextid === undefined ? '' : String(assignment.contextid));

function checkedContext(context: FunctionContext, assignment: Assignment, verb: 'assign' | 'unassign'): ContextRef {
  const target = contextFromParams(context.state, assignment);
  requireCapability(context, 'moodle/role:assign', 'Assign roles to users');
  if (!isAssignable(context.state, assignment.roleid, target)) throw invalidParameter(`Can not ${verb} roleid=${assignment.roleid} in contextid=${contextidText(assignment)}`);
  return target;
}

export const assignRoles: WsFunction = {
  name: 'core_role_assign_roles',
  version: '2022112810',
  parameters: { assignments: multiple(single(assignmentShape)) },
  execute(args, context) {
    const { assignments } = z.object({ assignments: z.array(assignmentInput) }).parse(args);
    const { state } = context;
    transaction(state, () => {
      for (const assignment of assignments) {
        const target = checkedContext(context, assignment, 'assign');
        if (!state.users.some((user) => user.id === assignment.userid && !user.deleted)) throw codingError('User ID does not exist or is deleted!', `userid:${assignment.userid}`);
        // role_assign returns the existing assignment when there is one (245); no enrolment is needed (236).
        if (target.level === 'course') {
          const exists = state.roleAssignments.some((ra) => ra.userid === assignment.userid && ra.courseid === target.instanceid && ra.roleid === assignment.roleid);
          if (!exists) state.roleAssignments.push({ userid: assignment.userid, courseid: target.instanceid, roleid: assignment.roleid });
        } else {
          const exists = state.contextRoleAssignments.some((ra) => ra.userid === assignment.userid && ra.contextid === target.id && ra.roleid === assignment.roleid);
          if (!exists) state.contextRoleAssignments.push({ userid: assignment.userid, contextid: target.id, roleid: assignment.roleid });
        }
      }
    });
    return null;
  },
};

export const unassignRoles: WsFunction = {
  name: 'core_role_unassign_roles',
  version: '2022112810',
  parameters: { unassignments: multiple(single(assignmentShape)) },
  execute(args, context) {
    const { unassignments } = z.object({ unassignments: z.array(assignmentInput) }).parse(args);
    const { state } = context;
    transaction(state, () => {
      for (const assignment of unassignments) {
        const target = checkedContext(context, assignment, 'unassign');
        // role_unassign of a role not held is a no-op (248); the enrolment stays, with no role (250/251).
        if (target.level === 'course') {
          state.roleAssignments = state.roleAssignments.filter((ra) => !(ra.userid === assignment.userid && ra.courseid === target.instanceid && ra.roleid === assignment.roleid));
        } else {
          state.contextRoleAssignments = state.contextRoleAssignments.filter((ra) => !(ra.userid === assignment.userid && ra.contextid === target.id && ra.roleid === assignment.roleid));
        }
      }
    });
    return null;
  },
};
